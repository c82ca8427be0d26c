package io.manifoldsweep.train;

import static io.manifoldsweep.ConfigException.describe;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.knob.KnobType;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The steps at which a run saves its whole flat parameter vector (method section 8), which the
 * sparse-autoencoder analysis reads back. Each point is a fraction of the run's steps (a number
 * with a decimal point in (0, 1], rounded to the nearest step) or an absolute step (an integer from
 * 0). Checkpoints change nothing a run trains or records otherwise, so they are not part of a
 * cell's id.
 *
 * @param points as written in the config, e.g. {@code [0.1, 0.4, 0.9]} (the default: the paper's
 *     early, middle and late) or {@code [0, 2000]}; empty for none
 */
public record Checkpoints(List<Number> points) implements Serializable {
  public static final Checkpoints DEFAULT = new Checkpoints(List.of(0.1, 0.4, 0.9));
  public static final Checkpoints NONE = new Checkpoints(List.of());

  /** How the {@code record.checkpoints} knob reads and writes them; runs stores them as text. */
  static final KnobType<Checkpoints> TYPE =
      new KnobType<>() {
        @Override
        public Checkpoints read(String key, Object v) {
          if (!(v instanceof List<?> list)) {
            throw new ConfigException(
                key,
                describe(v),
                "must be a list of fractions and steps, e.g. [0.1, 0.4, 0.9]; [] for none");
          }
          List<Number> points = new ArrayList<>();
          for (Object p : list) {
            if (!(p instanceof Number n) || p instanceof BigInteger) {
              throw new ConfigException(
                  key,
                  list,
                  "each entry must be a fraction like 0.4 or a step like 2000, got " + describe(p));
            }
            points.add(n);
          }
          for (Number p : points) {
            String problem = problem(p);
            if (problem != null) {
              throw new ConfigException(key, points, problem);
            }
          }
          return new Checkpoints(points);
        }

        @Override
        public Object write(Checkpoints value) {
          return value.points();
        }

        @Override
        public Column column() {
          return Column.STRING;
        }

        @Override
        public Object columnValue(Checkpoints value) {
          return String.valueOf(value.points());
        }

        @Override
        public String form() {
          return "list of fractions and steps";
        }

        @Override
        public boolean listValued() {
          return true;
        }
      };

  public Checkpoints {
    points = List.copyOf(points);
    for (Number p : points) {
      if (problem(p) != null) {
        throw new IllegalArgumentException(problem(p));
      }
    }
  }

  private static String problem(Number p) {
    if (p instanceof Double f) {
      return f > 0 && f <= 1 ? null : "a fraction of the steps must lie in (0, 1], got " + f;
    }
    if (p instanceof Integer || p instanceof Long) {
      return p.longValue() >= 0 ? null : "a step must be >= 0, got " + p;
    }
    return "each entry must be a fraction like 0.4 or a step like 2000, got " + p;
  }

  /**
   * The distinct checkpoint steps of a run of {@code steps} updates, ascending; fails when a step
   * lies beyond the run.
   */
  public long[] steps(long steps) {
    TreeSet<Long> out = new TreeSet<>();
    for (Number p : points) {
      long s = p instanceof Double f ? Math.max(1, Math.round(f * steps)) : p.longValue();
      if (s > steps) {
        throw new IllegalArgumentException(
            "step " + s + " lies beyond the run's train.steps=" + steps);
      }
      out.add(s);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }
}
