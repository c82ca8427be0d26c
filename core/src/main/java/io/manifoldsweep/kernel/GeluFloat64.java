package io.manifoldsweep.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Gelu} computed in double; like {@link AttentionFloat64} it is the template of a generated
 * float instantiation, {@code GeluFloat32} (see KernelTwins in the core tests), so it must compile
 * with double replaced by float, and its other comments stay true.
 *
 * <p>Two passes over the activations and ND4J's erf forward, one pass backward, where the chain of
 * ND4J ops it replaces made a dozen (scale, erf, add, scale, product forward; square, scale, exp,
 * scale, product, add, product backward). The erf stays ND4J's: computed here as a series, with no
 * cancellation and exact to the last bit, it took four times as long, as the series needs 15 to 60
 * terms whose chain of products no vector width shortens.
 */
final class GeluFloat64 {
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  /** Elements per heap block: whole vectors of any width, and the blocks stay in L1. */
  private static final int BLOCK = 1024;

  private static final double SQRT_HALF = (double) Math.sqrt(0.5);
  private static final double INV_SQRT_2PI = (double) (1 / Math.sqrt(2 * Math.PI));

  private GeluFloat64() {}

  static void apply(INDArray z, INDArray slope) {
    int n = Math.toIntExact(z.length());
    HostView.Float64 zView = HostView.Float64.view(z);
    HostView.Float64 slopeView = HostView.Float64.view(slope);
    zView.reading(0, n);
    slopeView.writing(0, n);
    int bound = LANES.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES.length()) {
      slopeView.store(zView.load(LANES, i).mul(SQRT_HALF), i);
    }
    for (; i < n; i++) {
      slopeView.set(i, zView.get(i) * SQRT_HALF);
    }
    Nd4j.getExecutioner().exec(new Erf(slope, slope));
    Scratch scratch = Scratch.get();
    double[] x = scratch.doubles(0, BLOCK);
    double[] s = scratch.doubles(1, BLOCK);
    for (int from = 0; from < n; from += BLOCK) {
      int len = Math.min(BLOCK, n - from);
      zView.read(from, x, 0, len);
      slopeView.read(from, s, 0, len);
      // BLOCK is whole vectors; lanes of the last one past len hold stale values, never written
      // back
      for (int at = 0; at < len; at += LANES.length()) {
        gelu(x, s, at);
      }
      zView.write(x, 0, from, len);
      slopeView.write(s, 0, from, len);
    }
  }

  /**
   * From z at {@code zs[at..]} and erf(z / sqrt 2) at {@code slope[at..]}, writes GELU(z) = z
   * Phi(z) over z and the slope Phi(z) + z phi(z) over the erf. It loads the vectors itself: a
   * vector passed in has the abstract type, and unless the call is inlined C2 then runs every
   * operation boxed.
   */
  private static void gelu(double[] zs, double[] slope, int at) {
    DoubleVector z = DoubleVector.fromArray(LANES, zs, at);
    DoubleVector cdf = DoubleVector.fromArray(LANES, slope, at).add((double) 1).mul((double) 0.5);
    DoubleVector density = ExpFloat64.exp(z.mul(z).mul((double) -0.5)).mul(INV_SQRT_2PI);
    z.mul(cdf).intoArray(zs, at);
    z.fma(density, cdf).intoArray(slope, at);
  }

  static void backward(INDArray dGelu, INDArray slope) {
    int n = Math.toIntExact(dGelu.length());
    HostView.Float64 dView = HostView.Float64.view(dGelu);
    HostView.Float64 slopeView = HostView.Float64.view(slope);
    double[] g = Scratch.get().doubles(0, BLOCK);
    for (int from = 0; from < n; from += BLOCK) {
      int len = Math.min(BLOCK, n - from);
      dView.read(from, g, 0, len);
      slopeView.reading(from, len);
      int bound = LANES.loopBound(len);
      int i = 0;
      for (; i < bound; i += LANES.length()) {
        DoubleVector.fromArray(LANES, g, i).mul(slopeView.load(LANES, from + i)).intoArray(g, i);
      }
      for (; i < len; i++) {
        g[i] *= slopeView.get(from + i);
      }
      dView.write(g, 0, from, len);
    }
  }
}
