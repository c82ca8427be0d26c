package io.manifoldsweep.train;

import io.manifoldsweep.ConfigException;
import java.util.List;
import java.util.TreeSet;

/**
 * The steps at which a run saves its whole flat parameter vector (DESIGN section 8), which the
 * sparse-autoencoder analysis reads back. Each point is a fraction of the run's steps (a number
 * with a decimal point in (0, 1], rounded to the nearest step) or an absolute step (an integer from
 * 0). Checkpoints change nothing a run trains or records otherwise, so they are not part of a
 * cell's id.
 *
 * @param points as written in the config, e.g. {@code [0.1, 0.4, 0.9]} (the default: the paper's
 *     early, middle and late) or {@code [0, 2000]}; empty for none
 */
public record Checkpoints(List<Number> points) {
  public static final Checkpoints DEFAULT = new Checkpoints(List.of(0.1, 0.4, 0.9));
  public static final Checkpoints NONE = new Checkpoints(List.of());
  static final String KEY = "record.checkpoints";

  public Checkpoints {
    points = List.copyOf(points);
    for (Number p : points) {
      if (p instanceof Double f) {
        if (!(f > 0 && f <= 1)) {
          throw new ConfigException(
              KEY, points, "a fraction of the steps must lie in (0, 1], got " + f);
        }
      } else if (p instanceof Integer || p instanceof Long) {
        if (p.longValue() < 0) {
          throw new ConfigException(KEY, points, "a step must be >= 0, got " + p);
        }
      } else {
        throw new ConfigException(
            KEY, points, "each entry must be a fraction like 0.4 or a step like 2000, got " + p);
      }
    }
  }

  /** The distinct checkpoint steps of a run of {@code steps} updates, ascending. */
  public long[] steps(long steps) {
    TreeSet<Long> out = new TreeSet<>();
    for (Number p : points) {
      long s = p instanceof Double f ? Math.max(1, Math.round(f * steps)) : p.longValue();
      if (s > steps) {
        throw new ConfigException(
            KEY, points, "step " + s + " lies beyond the run's train.steps=" + steps);
      }
      out.add(s);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }
}
