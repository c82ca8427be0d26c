package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.task.Batch;

/**
 * An SAE's quality on the whole activation set (method section 8): sparsity, reconstruction, latent
 * health, and how much of the model's behaviour survives replacing the hook activation by the
 * reconstruction at every position.
 *
 * @param l0 mean active latents per row
 * @param fve fraction of variance explained, {@code 1 - sum |x - x_hat|^2 / sum |x - mean(x)|^2}
 * @param aliveFraction latents that fire at least once
 * @param denseFraction latents that fire on more than 10% of rows
 * @param ceScore {@code (CE_zero - CE_spliced) / (CE_zero - CE_clean)}
 * @param klScore {@code (KL_zero - KL_spliced) / KL_zero}, KL(clean || other) of the readout
 */
public record SaeQuality(
    double l0,
    double fve,
    double aliveFraction,
    double denseFraction,
    double ceClean,
    double ceSpliced,
    double ceZero,
    double ceScore,
    double klSpliced,
    double klZero,
    double klScore) {

  /** Fraction of rows above which a latent counts as dense. */
  static final double DENSE = 0.1;

  /**
   * Measures {@code sae} given its codes of every row of {@code x}, the model's clean logits and
   * its logits with the hook zeroed, both over every example in order.
   */
  public static SaeQuality measure(
      TopKSae sae,
      Activations x,
      Codes codes,
      HookedModel model,
      Batch examples,
      double[] cleanLogits,
      double[] zeroLogits) {
    int rows = x.rows();
    int d = x.d();
    int seqLen = rows / examples.size();
    long active = 0;
    for (int i = 0; i < codes.idx().length; i++) {
      active += codes.idx()[i] >= 0 && codes.val()[i] > 0 ? 1 : 0;
    }
    long[] fired = codes.firingCounts(sae.latents());
    int alive = 0;
    int dense = 0;
    for (long f : fired) {
      alive += f > 0 ? 1 : 0;
      dense += f > DENSE * rows ? 1 : 0;
    }
    double residual = 0;
    double[] spliced = new double[examples.size() * model.classes()];
    int chunk = HookedModel.CHUNK;
    double[] xHat = new double[chunk * seqLen * d];
    for (int from = 0; from < examples.size(); from += chunk) {
      int n = Math.min(chunk, examples.size() - from);
      int firstRow = from * seqLen;
      sae.decode(
          slice(codes.idx(), firstRow, n * seqLen, codes.k()),
          slice(codes.val(), firstRow, n * seqLen, codes.k()),
          n * seqLen,
          codes.k(),
          xHat,
          true);
      for (int i = 0; i < n * seqLen * d; i++) {
        double e = x.x()[firstRow * d + i] - xHat[i];
        residual += e * e;
      }
      System.arraycopy(
          model.logits(xHat, 0, n), 0, spliced, from * model.classes(), n * model.classes());
    }
    int[] all = java.util.stream.IntStream.range(0, examples.size()).toArray();
    int c = model.classes();
    double ceClean = Readout.crossEntropy(cleanLogits, c, examples.labels(), all);
    double ceSpliced = Readout.crossEntropy(spliced, c, examples.labels(), all);
    double ceZero = Readout.crossEntropy(zeroLogits, c, examples.labels(), all);
    double klSpliced = Readout.kl(cleanLogits, spliced, c);
    double klZero = Readout.kl(cleanLogits, zeroLogits, c);
    return new SaeQuality(
        (double) active / rows,
        1 - residual / (x.scale() * rows),
        (double) alive / sae.latents(),
        (double) dense / sae.latents(),
        ceClean,
        ceSpliced,
        ceZero,
        (ceZero - ceSpliced) / (ceZero - ceClean),
        klSpliced,
        klZero,
        (klZero - klSpliced) / klZero);
  }

  private static int[] slice(int[] a, int firstRow, int rows, int k) {
    return java.util.Arrays.copyOfRange(a, firstRow * k, (firstRow + rows) * k);
  }

  private static double[] slice(double[] a, int firstRow, int rows, int k) {
    return java.util.Arrays.copyOfRange(a, firstRow * k, (firstRow + rows) * k);
  }
}
