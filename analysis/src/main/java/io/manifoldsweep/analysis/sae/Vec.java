package io.manifoldsweep.analysis.sae;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two row operations the SAE's sparse parts are made of, on the JDK's Vector API: C2 keeps a
 * scalar double reduction in order and so never vectorises a plain dot product. Kept small so that
 * C2 inlines the vector calls (a large caller falls back to the API's boxed implementation).
 */
final class Vec {
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  private Vec() {}

  /** {@code y[yo..yo+len) += a * x[xo..xo+len)}. */
  static void axpy(double a, double[] x, int xo, double[] y, int yo, int len) {
    int c = 0;
    DoubleVector av = DoubleVector.broadcast(LANES, a);
    for (; c < LANES.loopBound(len); c += LANES.length()) {
      DoubleVector.fromArray(LANES, x, xo + c)
          .fma(av, DoubleVector.fromArray(LANES, y, yo + c))
          .intoArray(y, yo + c);
    }
    for (; c < len; c++) {
      y[yo + c] += a * x[xo + c];
    }
  }

  /** {@code sum a[ao+c] * b[bo+c]} over {@code c < len}. */
  static double dot(double[] a, int ao, double[] b, int bo, int len) {
    int c = 0;
    DoubleVector acc = DoubleVector.zero(LANES);
    for (; c < LANES.loopBound(len); c += LANES.length()) {
      acc =
          DoubleVector.fromArray(LANES, a, ao + c)
              .fma(DoubleVector.fromArray(LANES, b, bo + c), acc);
    }
    // lane by lane from lane 0, not reduceLanes(ADD): JDK 25 compiles that as a tree and interprets
    // it in lane order, so an SAE's first steps would round differently from its later ones
    double s = 0;
    for (int l = 0; l < LANES.length(); l++) {
      s += acc.lane(l);
    }
    for (; c < len; c++) {
      s += a[ao + c] * b[bo + c];
    }
    return s;
  }
}
