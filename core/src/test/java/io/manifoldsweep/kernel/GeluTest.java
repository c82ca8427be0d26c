package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GELU kernel against the standard normal distribution's tabulated values, in both precisions,
 * on arrays that end inside a vector and span several of the kernel's blocks.
 */
class GeluTest {
  /** z and Phi(z) to 16 digits, from tables of the standard normal distribution. */
  private static final double[][] PHI = {
    {0, 0.5},
    {1, 0.8413447460685429},
    {-1, 0.15865525393145707},
    {2, 0.9772498680518208},
    {-3, 0.0013498980316300946},
    {0.5, 0.6914624612740131},
  };

  private static double density(double z) {
    return Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
  }

  private static double[][] apply(double[] z, DataType type) {
    INDArray a = Nd4j.createFromArray(z).castTo(type);
    INDArray slope = Gelu.applyInPlace(a);
    return new double[][] {a.toDoubleVector(), slope.toDoubleVector()};
  }

  @Test
  void matchesTheTabulatedDistributionFunction() {
    double[] z = new double[PHI.length];
    for (int i = 0; i < z.length; i++) {
      z[i] = PHI[i][0];
    }
    double[][] out = apply(z, DataType.DOUBLE);
    for (int i = 0; i < z.length; i++) {
      double cdf = PHI[i][1];
      assertThat(out[0][i]).as("GELU(%s)", z[i]).isCloseTo(z[i] * cdf, within(1e-15));
      assertThat(out[1][i])
          .as("slope at %s", z[i])
          .isCloseTo(cdf + z[i] * density(z[i]), within(1e-15));
    }
  }

  @Test
  void farTailsAreTheIdentityAndZero() {
    double[][] out = apply(new double[] {10, -10, 1e30, -1e30}, DataType.DOUBLE);
    assertThat(out[0]).containsExactly(10, -0.0, 1e30, -0.0);
    assertThat(out[1]).containsExactly(new double[] {1, 0, 1, 0}, within(1e-20));
  }

  @Test
  void float32AgreesWithFloat64AcrossBlocksAndATail() {
    Random random = new Random(7);
    double[] z = new double[2 * 1024 + 37];
    for (int i = 0; i < z.length; i++) {
      z[i] = 3 * random.nextGaussian();
    }
    double[][] wide = apply(z, DataType.DOUBLE);
    double[][] narrow = apply(z, DataType.FLOAT);
    for (int i = 0; i < z.length; i++) {
      double zf = (float) z[i];
      assertThat(narrow[0][i])
          .as("GELU at %d", i)
          .isCloseTo(wide[0][i], within(2e-6 * (1 + Math.abs(zf))));
      assertThat(narrow[1][i])
          .as("slope at %d", i)
          .isCloseTo(wide[1][i], within(2e-6 * (1 + Math.abs(zf))));
    }
  }

  @Test
  void backwardMultipliesByTheSlope() {
    double[] z = {-2, -0.5, 0, 0.7, 3, 1.5, -1.1, 0.2, 2.2, -4};
    INDArray a = Nd4j.createFromArray(z);
    INDArray slope = Gelu.applyInPlace(a);
    INDArray grad = Nd4j.createFromArray(new double[z.length]).addi(2);
    Gelu.backwardInPlace(grad, slope);
    double[] s = slope.toDoubleVector();
    double[] g = grad.toDoubleVector();
    for (int i = 0; i < z.length; i++) {
      assertThat(g[i]).isEqualTo(2 * s[i]);
    }
  }
}
