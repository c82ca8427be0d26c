package io.manifoldsweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Float conversions go a vector at a time with a scalar tail; lengths around whole vectors (up to
 * 16 floats per vector) run both, on a view that starts inside its buffer.
 */
class HostViewTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8, 9, 15, 16, 17, 31, 33, 50})
  void float32ReadsAndWritesAsCastsDo(int length) {
    INDArray buffer = Nd4j.zeros(DataType.FLOAT, length + 5);
    INDArray view = buffer.get(NDArrayIndex.interval(3, 3 + length));
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = (i % 2 == 0 ? 1 : -1) * (i + 0.1) / 3.0;
    }

    HostView.of(view).writeAll(values);
    float[] stored = buffer.toFloatVector();
    assertThat(stored[2]).isZero();
    assertThat(stored[3 + length]).isZero();
    double[] back = new double[length + 2];
    HostView.of(view).read(0, back, 2, length);
    for (int i = 0; i < length; i++) {
      assertThat(stored[3 + i]).as("element %d", i).isEqualTo((float) values[i]);
      assertThat(back[2 + i]).as("element %d read back", i).isEqualTo((double) (float) values[i]);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16})
  void rangesPastTheViewAreRefused(int length) {
    INDArray view = Nd4j.zeros(DataType.FLOAT, length + 4).get(NDArrayIndex.interval(0, length));
    assertThatThrownBy(() -> HostView.of(view).read(1, new double[length], 0, length))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
