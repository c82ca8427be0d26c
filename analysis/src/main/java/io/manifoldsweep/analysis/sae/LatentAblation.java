package io.manifoldsweep.analysis.sae;

/**
 * Ablating a set S of latents with the error term kept (method section 8): at every position of an
 * example the hook activation becomes {@code x - sum_{i in S} (z_i - z'_i) W_dec[i]}, with z' = 0
 * for zero ablation and the latent's mean over the activation set for mean ablation, and the rest
 * of the model runs from there. Only those latents' contributions change, so an empty set
 * reproduces the clean model exactly; an example whose rows all stay unchanged keeps its clean
 * logits without a pass.
 */
public final class LatentAblation {
  private final TopKSae sae;
  private final Activations x;
  private final Codes codes;
  private final HookedModel model;
  private final int seqLen;

  public LatentAblation(TopKSae sae, Activations x, Codes codes, HookedModel model, int seqLen) {
    this.sae = sae;
    this.x = x;
    this.codes = codes;
    this.model = model;
    this.seqLen = seqLen;
  }

  /**
   * The logits {@code [examples.length, C]} of the given examples with {@code latents} replaced by
   * {@code replacement} (one value per latent); {@code clean} holds every example's clean logits.
   */
  public double[] logits(int[] latents, double[] replacement, int[] examples, double[] clean) {
    int d = x.d();
    int c = model.classes();
    double[] out = new double[examples.length * c];
    double[] decoder = sae.decoderWeights();
    int chunk = HookedModel.CHUNK;
    double[] buffer = new double[chunk * seqLen * d];
    int[] pending = new int[chunk];
    int filled = 0;
    for (int i = 0; i < examples.length; i++) {
      int e = examples[i];
      boolean changed = false;
      int base = filled * seqLen * d;
      System.arraycopy(x.x(), e * seqLen * d, buffer, base, seqLen * d);
      for (int t = 0; t < seqLen; t++) {
        int row = e * seqLen + t;
        for (int s = 0; s < latents.length; s++) {
          double shift = codes.value(row, latents[s]) - replacement[s];
          if (shift != 0) {
            Vec.axpy(-shift, decoder, latents[s] * d, buffer, base + t * d, d);
            changed = true;
          }
        }
      }
      if (!changed) {
        System.arraycopy(clean, e * c, out, i * c, c);
        continue;
      }
      pending[filled++] = i;
      if (filled == chunk) {
        flush(buffer, pending, filled, out);
        filled = 0;
      }
    }
    flush(buffer, pending, filled, out);
    return out;
  }

  private void flush(double[] buffer, int[] pending, int filled, double[] out) {
    if (filled == 0) {
      return;
    }
    int c = model.classes();
    double[] logits = model.logits(buffer, 0, filled);
    for (int j = 0; j < filled; j++) {
      System.arraycopy(logits, j * c, out, pending[j] * c, c);
    }
  }
}
