package io.manifoldsweep.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x a vector at a time in double, for the kernels' softmax and GELU. Like {@link
 * AttentionFloat64} it is the template of a generated float instantiation, {@code ExpFloat32} (see
 * KernelTwins in the core tests): it must compile with double replaced by float, and its other
 * comments stay true.
 */
final class ExpFloat64 {
  /*
   * Spelled so that each instantiation gets its own constants: a 64-bit e^r needs a Taylor
   * polynomial of degree 12, a 32-bit one degree 7.
   */
  private static final int MANTISSA_BITS = -Math.getExponent(Math.ulp((double) 1));
  private static final double[] TAYLOR = inverseFactorials(MANTISSA_BITS > 30 ? 12 : 7);
  private static final double EXP_LOWEST = (double) Math.log(Double.MIN_NORMAL);
  private static final double LOG2E = (double) (1 / Math.log(2));

  /**
   * Adding it rounds to an integer n, held in the sum's low mantissa bits: 1.5 times 2 to the
   * mantissa width, where the spacing of representable numbers is exactly 1.
   */
  private static final double ROUNDER = (double) (1.5 / Math.ulp((double) 1));

  /** ln 2 in two parts, so that n ln2 is exact enough for the float case's large n. */
  private static final double LN2_HI = (double) Math.log(2);

  private static final double LN2_LO = (double) (Math.log(2) - LN2_HI);

  private ExpFloat64() {}

  /**
   * e^x lane by lane from operations that are exact or correctly rounded (fma, add, shifts), so it
   * gives the same bits interpreted and compiled. The Vector API's own EXP does not: compiled it is
   * the SVML routine, interpreted Math.exp, and their last bits differ, so a run's first steps (and
   * every cell on a fresh executor) would not be reproducible. e^x = 2^n e^r with x = n ln2 + r and
   * |r| <= ln2/2; e^r by its Taylor polynomial; 2^n written as an exponent field (integer lanes on
   * the same bits, since JDK 17 does not compile float-to-int lane conversions). Inputs are clamped
   * at the smallest normal result, far below a probability's resolution.
   */
  static DoubleVector exp(DoubleVector in) {
    DoubleVector x = in.max(EXP_LOWEST);
    DoubleVector rounded = x.mul(LOG2E).add(ROUNDER);
    DoubleVector n = rounded.sub(ROUNDER);
    DoubleVector r = n.fma(in.broadcast(-LN2_LO), n.fma(in.broadcast(-LN2_HI), x));
    DoubleVector p = in.broadcast(TAYLOR[TAYLOR.length - 1]);
    for (int k = TAYLOR.length - 2; k >= 0; k--) {
      p = p.fma(r, in.broadcast(TAYLOR[k]));
    }
    DoubleVector twoToN =
        rounded
            .reinterpretAsLongs()
            .sub(in.broadcast(ROUNDER).reinterpretAsLongs())
            .add(Double.MAX_EXPONENT)
            .lanewise(VectorOperators.LSHL, MANTISSA_BITS)
            .reinterpretAsDoubles();
    return p.mul(twoToN);
  }

  private static double[] inverseFactorials(int degree) {
    double[] c = new double[degree + 1];
    double f = 1;
    for (int k = 0; k <= degree; k++) {
      f *= Math.max(k, 1);
      c[k] = (double) (1 / f);
    }
    return c;
  }
}
