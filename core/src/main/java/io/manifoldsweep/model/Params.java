package io.manifoldsweep.model;

import io.manifoldsweep.kernel.Linalg;
import io.manifoldsweep.task.RngStream;
import io.manifoldsweep.task.SplitMix64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One flat vector in canonical order with a shaped view per tensor. Parameters, gradients and
 * optimizer moments are all {@code Params}, so an update is a few whole-vector operations and a
 * snapshot is a copy of contiguous ranges. Arrays live outside any workspace.
 */
public final class Params {
  private final ParamLayout layout;
  private final Precision precision;
  private final INDArray flat;
  private final Map<String, INDArray> views = new HashMap<>();

  private Params(ParamLayout layout, Precision precision, INDArray flat) {
    this.layout = layout;
    this.precision = precision;
    this.flat = flat;
    for (ParamLayout.Entry e : layout.entries()) {
      INDArray range = flat.get(NDArrayIndex.interval(e.offset(), e.offset() + e.length()));
      views.put(e.name(), e.shape().length == 1 ? range : Linalg.shaped(range, e.shape()));
    }
  }

  public static Params zeros(ParamLayout layout, Precision precision) {
    INDArray flat;
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      flat = Nd4j.zeros(precision.dataType(), layout.size());
    }
    return new Params(layout, precision, flat);
  }

  /**
   * The initial weights of the model's {@code init} scheme from {@code initSeed}. Each tensor draws
   * from its own stream keyed by its name, so turning the MLP on or off leaves the attention
   * weights' initial values unchanged. {@code default}: PyTorch's per-tensor defaults; {@code
   * encoder}: what nn.TransformerEncoder gives (method 9.2), every layer a copy of layer 0's draw.
   */
  public static Params initialise(ParamLayout layout, Precision precision, long initSeed) {
    ModelSpec spec = layout.spec();
    boolean encoder = spec.init() == InitScheme.ENCODER;
    double[] values = new double[Math.toIntExact(layout.size())];
    for (ParamLayout.Entry e : layout.entries()) {
      String drawn = encoder ? e.name().replaceFirst("^layer\\d+\\.", "layer0.") : e.name();
      SplitMix64 rng = RngStream.INIT.generator(initSeed, drawn.hashCode());
      ToDoubleFunction<SplitMix64> draw = encoder ? encoderDraw(e, spec) : defaultDraw(e);
      int off = (int) e.offset();
      for (int i = 0; i < e.length(); i++) {
        values[off + i] = draw.applyAsDouble(rng);
      }
    }
    return fromArray(layout, precision, values);
  }

  private static ToDoubleFunction<SplitMix64> defaultDraw(ParamLayout.Entry e) {
    return switch (e.init()) {
      case NORMAL -> SplitMix64::nextGaussian;
      case UNIFORM_FAN_IN -> rng -> uniformOverRoot(rng, e.fanIn());
      case ONES -> rng -> 1.0;
      case ZEROS -> rng -> 0.0;
    };
  }

  /** nn.TransformerEncoder's draw of each element of {@code e} (method 9.2). */
  private static ToDoubleFunction<SplitMix64> encoderDraw(ParamLayout.Entry e, ModelSpec spec) {
    String name = e.name();
    int d = spec.dModel();
    if (name.equals("pos_emb")) {
      return rng -> rng.nextGaussian() / Math.sqrt(d);
    }
    if (name.matches("layer\\d+\\.attn\\.w[qkv]")) {
      return rng -> (2 * rng.nextDouble() - 1) * Math.sqrt(6.0 / (4 * d));
    }
    if (name.matches("layer\\d+\\.attn\\.b[qkvo]")) {
      return rng -> 0;
    }
    if (name.matches("layer\\d+\\.mlp\\.[wb]2")) {
      return rng -> uniformOverRoot(rng, spec.dMlp());
    }
    if (e.init() == ParamLayout.Init.UNIFORM_FAN_IN) {
      // wo, mlp.w1, mlp.b1, head.w, head.b: all of fan-in d
      return rng -> uniformOverRoot(rng, d);
    }
    return defaultDraw(e);
  }

  /** U(-1/sqrt(n), 1/sqrt(n)), PyTorch's default bound for fan-in n. */
  private static double uniformOverRoot(SplitMix64 rng, int n) {
    return (2 * rng.nextDouble() - 1) / Math.sqrt(n);
  }

  public static Params fromArray(ParamLayout layout, Precision precision, double[] values) {
    Params p = zeros(layout, precision);
    p.assign(values);
    return p;
  }

  /**
   * Overwrites every value; float32 parameters take each double rounded to float (exact for float
   * values).
   */
  public void assign(double[] values) {
    if (values.length != layout.size()) {
      throw new IllegalArgumentException(
          "expected " + layout.size() + " parameter values, got " + values.length);
    }
    flat.assign(Nd4j.createFromArray(values).castTo(precision.dataType()));
  }

  public ParamLayout layout() {
    return layout;
  }

  public Precision precision() {
    return precision;
  }

  /** The whole vector, length {@link ParamLayout#size()}. Writes go to every view. */
  public INDArray flat() {
    return flat;
  }

  public INDArray get(String name) {
    INDArray v = views.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no parameter named '" + name + "'");
    }
    return v;
  }

  public double[] toDoubleArray() {
    return flat.toDoubleVector();
  }

  /** The whole vector as float32, the checkpoint format. */
  public float[] toFloatArray() {
    return flat.toFloatVector();
  }

  /** The values of one tensor as float32, row-major: the snapshot format. */
  public float[] tensorAsFloats(String name) {
    INDArray v = get(name);
    return Linalg.shaped(v.dup('c'), v.length()).toFloatVector();
  }
}
