package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The evaluation path (loss and accuracy) on logits whose softmax is known in closed form; the
 * training path's loss and gradient are pinned by the golden and finite-difference tests.
 */
class SoftmaxCrossEntropyTest {
  /**
   * Row 0: probabilities 1/4, 3/4; row 1: a tie, which goes to the first class; row 2: large
   * logits.
   */
  private static INDArray logits(DataType type) {
    return Nd4j.createFromArray(
            new double[][] {
              {0, Math.log(3)},
              {2, 2},
              {1000, 1000 + Math.log(3)}
            })
        .castTo(type);
  }

  @Test
  void lossAndCorrectCountsArgmaxWithTiesToTheFirstClass() {
    double[] lc = SoftmaxCrossEntropy.lossAndCorrect(logits(DataType.DOUBLE), new int[] {1, 1, 0});
    double expected = (-Math.log(0.75) + Math.log(2) - Math.log(0.25)) / 3;
    assertThat(lc[0]).isCloseTo(expected, offset(1e-12));
    assertThat(lc[1]).isEqualTo(1.0);
  }

  @Test
  void float32LogitsGiveTheSameLoss() {
    double[] lc = SoftmaxCrossEntropy.lossAndCorrect(logits(DataType.FLOAT), new int[] {1, 0, 1});
    double expected = (-Math.log(0.75) + Math.log(2) - Math.log(0.75)) / 3;
    assertThat(lc[0]).isCloseTo(expected, offset(1e-4));
    assertThat(lc[1]).isEqualTo(3.0);
  }

  @Test
  void gradientIsSoftmaxMinusOneHotOverBatch() {
    INDArray d = Nd4j.createUninitialized(DataType.DOUBLE, 3, 2);
    double loss =
        SoftmaxCrossEntropy.lossAndGradient(logits(DataType.DOUBLE), new int[] {1, 0, 1}, d);
    assertThat(loss).isCloseTo((-Math.log(0.75) + Math.log(2) - Math.log(0.75)) / 3, offset(1e-12));
    assertThat(d.reshape(6).toDoubleVector())
        .containsExactly(
            new double[] {0.25 / 3, -0.25 / 3, -0.5 / 3, 0.5 / 3, 0.25 / 3, -0.25 / 3},
            offset(1e-12));
  }

  @Test
  void nonFiniteLogitsGiveANonFiniteLoss() {
    INDArray bad =
        Nd4j.createFromArray(new double[][] {{Double.NaN, 0}, {Double.POSITIVE_INFINITY, 0}});
    assertThat(SoftmaxCrossEntropy.lossAndCorrect(bad, new int[] {0, 1})[0]).isNaN();
  }

  @Test
  void labelOutsideTheClassesIsRejected() {
    assertThatThrownBy(
            () -> SoftmaxCrossEntropy.lossAndCorrect(logits(DataType.DOUBLE), new int[] {0, 2, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 2 is outside the classes 0..1");
  }
}
