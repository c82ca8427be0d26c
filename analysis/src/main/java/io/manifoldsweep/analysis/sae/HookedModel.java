package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.kernel.HostView;
import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.task.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained model with a hook at {@code resid_post} of one layer: it reads the residual stream
 * there and runs the rest of the model from a replaced stream, for splicing and ablations. Examples
 * go through in chunks, which bounds activation memory whatever the set's size.
 */
public final class HookedModel {
  /**
   * Examples per forward pass: evaluation's, whose activations stay in L2 from the products into
   * the kernels. At 256, the earlier chunk, a canonical cell's latent ablations took a fifth
   * longer.
   */
  static final int CHUNK = Transformer.INFERENCE_SEQUENCES;

  private final Transformer model;
  private final Params params;
  private final int layer;
  private final int seqLen;
  private final int classes;

  public HookedModel(Transformer model, Params params, int layer) {
    this.model = model;
    this.params = params;
    this.layer = layer;
    this.seqLen = model.layout().spec().seqLen();
    this.classes = model.layout().spec().classes();
  }

  public int layer() {
    return layer;
  }

  public int classes() {
    return classes;
  }

  /** The hook's activations on every example of {@code examples}, row {@code e*T + t}. */
  public Activations activations(Batch examples) {
    int d = model.layout().spec().dModel();
    double[] x = new double[examples.size() * seqLen * d];
    for (int from = 0; from < examples.size(); from += CHUNK) {
      int to = Math.min(examples.size(), from + CHUNK);
      double[] part = model.residualAfter(params, examples.slice(from, to), layer);
      System.arraycopy(part, 0, x, from * seqLen * d, part.length);
    }
    return new Activations(x, examples.size() * seqLen, d);
  }

  /**
   * The unhooked model's logits {@code [B, C]} of every example of {@code examples}, as {@link
   * Transformer#infer} gives them.
   */
  public static double[] forwardLogits(Transformer model, Params params, Batch examples) {
    int classes = model.layout().spec().classes();
    double[] out = new double[examples.size() * classes];
    for (int from = 0; from < examples.size(); from += CHUNK) {
      int to = Math.min(examples.size(), from + CHUNK);
      try (Workspaces.Scope ignored = Workspaces.open("forward")) {
        INDArray logits = model.infer(params, examples.slice(from, to)).logits();
        double[] part = new double[(to - from) * classes];
        HostView.of(logits).readAll(part);
        System.arraycopy(part, 0, out, from * classes, part.length);
      }
    }
    return out;
  }

  /**
   * The logits {@code [count, C]} of {@code count} examples whose hook activations start at example
   * {@code first} of {@code x}.
   */
  public double[] logits(double[] x, int first, int count) {
    double[] out = new double[count * classes];
    for (int from = 0; from < count; from += CHUNK) {
      int n = Math.min(CHUNK, count - from);
      double[] part = model.logitsFrom(params, x, (first + from) * seqLen, n, layer);
      System.arraycopy(part, 0, out, from * classes, part.length);
    }
    return out;
  }
}
