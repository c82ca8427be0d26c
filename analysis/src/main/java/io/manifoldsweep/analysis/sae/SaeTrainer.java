package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.task.SplitMix64;

/**
 * Trains one TopK SAE on an activation set (method section 8): batches drawn without replacement in
 * a fresh random order each pass, Adam, the decoder-row constraint around every step, and AuxK over
 * the latents that have not fired on the last {@code dead_after} training rows. Cost per step: one
 * dense {@code [batch, d] x [d, n]} product plus O(batch (k + k_aux) d) for everything else.
 */
public final class SaeTrainer {
  /** Steps whose mean loss is reported as the final loss. */
  static final int LOSS_WINDOW = 100;

  /** A trained SAE and how its training ended. */
  public record Trained(TopKSae sae, double finalLoss, double deadFraction) {}

  private SaeTrainer() {}

  public static Trained train(
      Activations x, int width, int k, SaeSettings settings, SplitMix64 rng) {
    int d = x.d();
    int rows = x.rows();
    int batch = Math.min(settings.batchSize(), rows);
    long deadAfter = settings.deadAfter() > 0 ? settings.deadAfter() : 5L * rows;
    double scale = x.scale();
    TopKSae sae = TopKSae.initialise(width, k, x, rng);
    TopKSae.Adam adam = new TopKSae.Adam(sae, settings.lr(), 0.9, 0.999, 1e-8);
    TopKSae.Gradient grad = new TopKSae.Gradient(sae);
    TopKSae.Work work = new TopKSae.Work(sae, batch);
    double[] rowsOfBatch = new double[batch * d];
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    int cursor = rows;
    long seen = 0;
    long[] lastFired = new long[width];
    boolean[] dead = new boolean[width];
    double lossSum = 0;
    int lossCount = 0;
    for (int step = 0; step < settings.steps(); step++) {
      for (int b = 0; b < batch; b++) {
        if (cursor == rows) {
          shuffle(order, rng);
          cursor = 0;
        }
        System.arraycopy(x.x(), order[cursor++] * d, rowsOfBatch, b * d, d);
      }
      for (int j = 0; j < width; j++) {
        dead[j] = seen - lastFired[j] >= deadAfter;
      }
      TopKSae.Loss loss = sae.lossAndGradient(rowsOfBatch, 0, batch, dead, scale, grad, work);
      seen += batch;
      for (int i = 0; i < batch * k; i++) {
        if (work.idx[i] >= 0 && work.val[i] > 0) {
          lastFired[work.idx[i]] = seen;
        }
      }
      sae.projectDecoderGradient(grad);
      adam.step(sae, grad);
      sae.normaliseDecoder();
      if (step >= settings.steps() - LOSS_WINDOW) {
        lossSum += loss.total();
        lossCount++;
      }
    }
    int deadCount = 0;
    for (int j = 0; j < width; j++) {
      deadCount += seen - lastFired[j] >= deadAfter ? 1 : 0;
    }
    return new Trained(sae, lossSum / lossCount, (double) deadCount / width);
  }

  private static void shuffle(int[] a, SplitMix64 rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
