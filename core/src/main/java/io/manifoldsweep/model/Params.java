package io.manifoldsweep.model;

import io.manifoldsweep.kernel.Linalg;
import io.manifoldsweep.task.RngStream;
import io.manifoldsweep.task.SplitMix64;
import java.util.HashMap;
import java.util.Map;
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
   * PyTorch-default initialisation from {@code initSeed}. Each tensor draws from its own stream
   * keyed by its name, so turning the MLP on or off leaves the attention weights' initial values
   * unchanged.
   */
  public static Params initialise(ParamLayout layout, Precision precision, long initSeed) {
    double[] values = new double[Math.toIntExact(layout.size())];
    for (ParamLayout.Entry e : layout.entries()) {
      SplitMix64 rng = RngStream.INIT.generator(initSeed, e.name().hashCode());
      int off = (int) e.offset();
      for (int i = 0; i < e.length(); i++) {
        values[off + i] =
            switch (e.init()) {
              case NORMAL -> rng.nextGaussian();
              case UNIFORM_FAN_IN -> (2 * rng.nextDouble() - 1) / Math.sqrt(e.fanIn());
              case ONES -> 1.0;
              case ZEROS -> 0.0;
            };
      }
    }
    return fromArray(layout, precision, values);
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
