package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
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

  @Test
  void float32VectorsLoadAndStoreTheViewsOwnElementsInPlace() {
    int lanes = FloatVector.SPECIES_PREFERRED.length();
    INDArray buffer = Nd4j.arange(0, 3 * lanes + 5).castTo(DataType.FLOAT);
    INDArray view = buffer.get(NDArrayIndex.interval(3, 3 + 2 * lanes + 1));
    HostView.Float32 host = HostView.Float32.view(view);

    FloatVector second = host.load(FloatVector.SPECIES_PREFERRED, lanes);
    host.store(second.neg(), 0);
    host.set(2 * lanes, -1f);

    float[] stored = buffer.toFloatVector();
    for (int i = 0; i < lanes; i++) {
      assertThat(second.lane(i)).as("lane %d", i).isEqualTo(3f + lanes + i);
      assertThat(stored[3 + i]).as("element %d", i).isEqualTo(-(3f + lanes + i));
    }
    assertThat(stored[2]).as("the element before the view").isEqualTo(2f);
    assertThat(stored[3 + 2 * lanes]).isEqualTo(-1f);
    assertThat(host.get(2 * lanes)).isEqualTo(-1f);
    assertThat(stored[4 + 2 * lanes]).as("the element after the view").isEqualTo(4f + 2 * lanes);
  }

  @Test
  void float64VectorsLoadAndStoreTheViewsOwnElementsInPlace() {
    int lanes = DoubleVector.SPECIES_PREFERRED.length();
    INDArray buffer = Nd4j.arange(0, 3 * lanes + 5).castTo(DataType.DOUBLE);
    INDArray view = buffer.get(NDArrayIndex.interval(3, 3 + 2 * lanes + 1));
    HostView.Float64 host = HostView.Float64.view(view);

    DoubleVector second = host.load(DoubleVector.SPECIES_PREFERRED, lanes);
    host.store(second.neg(), 0);
    host.set(2 * lanes, -1);

    double[] stored = buffer.toDoubleVector();
    for (int i = 0; i < lanes; i++) {
      assertThat(second.lane(i)).as("lane %d", i).isEqualTo(3.0 + lanes + i);
      assertThat(stored[3 + i]).as("element %d", i).isEqualTo(-(3.0 + lanes + i));
    }
    assertThat(stored[2]).as("the element before the view").isEqualTo(2.0);
    assertThat(stored[3 + 2 * lanes]).isEqualTo(-1.0);
    assertThat(host.get(2 * lanes)).isEqualTo(-1.0);
    assertThat(stored[4 + 2 * lanes]).as("the element after the view").isEqualTo(4.0 + 2 * lanes);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16})
  void inPlaceRangesPastTheViewAreRefused(int length) {
    INDArray view = Nd4j.zeros(DataType.FLOAT, length + 4).get(NDArrayIndex.interval(0, length));
    HostView host = HostView.of(view);
    assertThatThrownBy(() -> host.reading(1, length)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> host.writing(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
