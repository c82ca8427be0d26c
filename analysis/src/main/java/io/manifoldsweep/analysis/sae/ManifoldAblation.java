package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.analysis.Gram;
import io.manifoldsweep.analysis.PcaBasis;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.task.SplitMix64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The manifold side of method section 8's claim, in weight space: in every attention block move the
 * checkpoint's weights back along directions of the block's trajectory, {@code W' = W - sum_j ((W -
 * W_0) . v_j) v_j}, for the top-k principal directions of the snapshots up to the checkpoint's
 * step, for the next k (k+1..2k) and for k random orthonormal directions.
 */
public final class ManifoldAblation {
  /** The three kinds of directions removed. */
  public enum Directions {
    TOP,
    NEXT,
    RANDOM;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One ablated parameter vector; {@code removed} is the fewest directions a block had to give. */
  public record Variant(int k, Directions directions, int draw, int removed, double[] params) {}

  /**
   * What the ablation needs of one block: its step-0 weights and, per checkpoint step, the top
   * principal directions of its snapshots up to that step (fewer when they have lower rank).
   */
  public record BlockDirections(double[] w0, Map<Long, double[][]> pcsByStep) {
    /**
     * From a block's snapshots (row t at {@code steps[t]}, step 0 first): one Gram over the whole
     * trajectory, O(n^2 p), whose top-left corner is the Gram of every prefix, so each checkpoint
     * costs only its eigen-decomposition and O(maxPcs n p).
     */
    public static BlockDirections of(
        long[] steps, double[][] values, Iterable<Long> checkpointSteps, int maxPcs) {
      if (steps.length == 0 || steps[0] != 0) {
        throw new IllegalArgumentException(
            "a block trajectory must start with its step-0 snapshot");
      }
      double[][] gram = Gram.of(values);
      Map<Long, double[][]> pcs = new LinkedHashMap<>();
      for (long step : checkpointSteps) {
        int n = 0;
        while (n < steps.length && steps[n] <= step) {
          n++;
        }
        pcs.put(step, n < 2 ? new double[0][] : PcaBasis.fit(values, gram, n, maxPcs).directions());
      }
      return new BlockDirections(values[0].clone(), pcs);
    }
  }

  private final ParamLayout layout;
  private final Map<String, BlockDirections> blocks;

  public ManifoldAblation(ParamLayout layout, Map<String, BlockDirections> blocks) {
    this.layout = layout;
    this.blocks = new LinkedHashMap<>(blocks);
    for (String b : layout.blockNames()) {
      if (!blocks.containsKey(b)) {
        throw new IllegalArgumentException("no trajectory for block " + b);
      }
    }
  }

  /**
   * Hands every variant for the checkpoint {@code params} taken at {@code step}, for k = 1..maxK,
   * to {@code sink}, one at a time (each is a whole parameter vector): top and next once per k,
   * random {@code randomDraws} times. The blocks' directions must cover 2 maxK components at this
   * step.
   */
  public void forEach(
      double[] params,
      long step,
      int maxK,
      int randomDraws,
      SplitMix64 rng,
      Consumer<Variant> sink) {
    for (int k = 1; k <= maxK; k++) {
      for (Directions kind : Directions.values()) {
        int draws = kind == Directions.RANDOM ? randomDraws : 1;
        for (int draw = 0; draw < draws; draw++) {
          double[] out = params.clone();
          int removed = Integer.MAX_VALUE;
          for (String b : layout.blockNames()) {
            ParamLayout.Entry e = layout.blockEntry(b);
            BlockDirections block = blocks.get(b);
            double[][] pcs = block.pcsByStep().get(step);
            if (pcs == null) {
              throw new IllegalArgumentException(
                  "block " + b + " has no directions for step " + step);
            }
            double[][] dirs = directions(kind, pcs, k, (int) e.length(), rng);
            removed = Math.min(removed, dirs.length);
            moveBack(out, (int) e.offset(), (int) e.length(), block.w0(), dirs);
          }
          sink.accept(new Variant(k, kind, draw, removed, out));
        }
      }
    }
  }

  private static double[][] directions(
      Directions kind, double[][] pcs, int k, int p, SplitMix64 rng) {
    return switch (kind) {
      case TOP -> java.util.Arrays.copyOfRange(pcs, 0, Math.min(k, pcs.length));
      case NEXT ->
          java.util.Arrays.copyOfRange(pcs, Math.min(k, pcs.length), Math.min(2 * k, pcs.length));
      case RANDOM -> randomOrthonormal(k, p, rng);
    };
  }

  /**
   * {@code w -= ((w - w0) . v) v} for each of the orthonormal {@code dirs}, on {@code w =
   * params[off..off+len)}.
   */
  static void moveBack(double[] params, int off, int len, double[] w0, double[][] dirs) {
    double[] delta = new double[len];
    for (int c = 0; c < len; c++) {
      delta[c] = params[off + c] - w0[c];
    }
    for (double[] v : dirs) {
      double along = Vec.dot(delta, 0, v, 0, len);
      for (int c = 0; c < len; c++) {
        params[off + c] -= along * v[c];
      }
    }
  }

  /** k orthonormal vectors in R^p: Gaussian draws, Gram-Schmidt twice for accuracy. */
  static double[][] randomOrthonormal(int k, int p, SplitMix64 rng) {
    double[][] q = new double[k][p];
    for (int i = 0; i < k; i++) {
      for (int c = 0; c < p; c++) {
        q[i][c] = rng.nextGaussian();
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < i; j++) {
          Vec.axpy(-Vec.dot(q[i], 0, q[j], 0, p), q[j], 0, q[i], 0, p);
        }
      }
      double norm = Math.sqrt(Vec.dot(q[i], 0, q[i], 0, p));
      for (int c = 0; c < p; c++) {
        q[i][c] /= norm;
      }
    }
    return q;
  }
}
