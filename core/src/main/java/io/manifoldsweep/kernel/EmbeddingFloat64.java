package io.manifoldsweep.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Embedding}'s forward pass in double; like {@link LayerNormFloat64} it is the template of a
 * generated float twin, {@code EmbeddingFloat32}, so it must compile with double replaced by float.
 * Each element is one sum of two values of the run's precision, and a float sum rounds to the bits
 * that the double sum rounded to float gives (double has more than twice float's digits), so the
 * float twin changes no result; it saves converting a vector at a time, which C2 left to the Vector
 * API's Java fallback (half a millisecond of a canonical step).
 */
final class EmbeddingFloat64 {
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  private EmbeddingFloat64() {}

  /** {@code x[r] = tokEmb[tokens[r]] + posEmb[r mod T]}, stored in place. */
  static void forward(int[] tokens, INDArray tokEmb, INDArray posEmb, INDArray x) {
    int d = Math.toIntExact(tokEmb.size(1));
    int t = Math.toIntExact(posEmb.size(0));
    Scratch scratch = Scratch.get();
    double[] tok = scratch.doubles(0, Math.toIntExact(tokEmb.length()));
    double[] pos = scratch.doubles(1, Math.toIntExact(posEmb.length()));
    HostView.Float64.view(tokEmb).readAll(tok);
    HostView.Float64.view(posEmb).readAll(pos);
    HostView.Float64 xView = HostView.Float64.view(x);
    xView.writing(0, tokens.length * d);
    for (int r = 0; r < tokens.length; r++) {
      sum(tok, tokens[r] * d, pos, (r % t) * d, d, xView, r * d);
    }
  }

  /** Stores {@code a[ao..ao+d) + b[bo..bo+d)} at element {@code at} of {@code x}. */
  private static void sum(
      double[] a, int ao, double[] b, int bo, int d, HostView.Float64 x, int at) {
    int c = 0;
    for (; c < LANES.loopBound(d); c += LANES.length()) {
      x.store(
          DoubleVector.fromArray(LANES, a, ao + c).add(DoubleVector.fromArray(LANES, b, bo + c)),
          at + c);
    }
    for (; c < d; c++) {
      x.set(at + c, a[ao + c] + b[bo + c]);
    }
  }
}
