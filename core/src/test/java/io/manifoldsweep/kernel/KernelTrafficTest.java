package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.model.Precision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The traffic a kernel reports is its contract's: every input read once, every output written once,
 * in the array's precision, on the thread that ran it.
 */
class KernelTrafficTest {
  private static final int ROWS = 40;
  private static final int D = 24;

  /** This thread's counts at one moment. */
  private record Counts(long read, long written) {
    static Counts now() {
      return new Counts(KernelTraffic.bytesRead(), KernelTraffic.bytesWritten());
    }

    Counts minus(Counts earlier) {
      return new Counts(read - earlier.read, written - earlier.written);
    }
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void layerNormReadsItsInputsOnceAndWritesItsOutputsOnce(Precision precision) {
    DataType type = precision.dataType();
    INDArray x = Nd4j.rand(type, ROWS, D);
    INDArray gamma = Nd4j.rand(type, D);
    INDArray beta = Nd4j.rand(type, D);
    Counts before = Counts.now();

    LayerNorm.forward(x, gamma, beta, new LayerNorm.Cache[1]);

    Counts moved = Counts.now().minus(before);
    int width = type.width();
    assertThat(moved.read()).as("x, gamma and beta").isEqualTo((long) (ROWS * D + 2 * D) * width);
    assertThat(moved.written())
        .as("the output, xhat and 1/std")
        .isEqualTo((long) (2 * ROWS * D + ROWS) * width);
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void aBiasAddReadsAndWritesItsMatrixAndAColumnSumReadsIt(Precision precision) {
    DataType type = precision.dataType();
    INDArray x = Nd4j.rand(type, ROWS, D);
    INDArray bias = Nd4j.rand(type, D);
    Counts before = Counts.now();

    Linalg.addRowVector(x, bias);
    Linalg.columnSumsInto(x, bias);

    Counts moved = Counts.now().minus(before);
    long matrix = (long) ROWS * D * type.width();
    assertThat(moved.read()).isEqualTo(2 * matrix);
    assertThat(moved.written()).isEqualTo(matrix + (long) D * type.width());
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void anotherThreadsTrafficIsItsOwn(Precision precision) throws InterruptedException {
    INDArray x = Nd4j.rand(precision.dataType(), ROWS, D);
    long read = KernelTraffic.bytesRead();
    long[] other = new long[2];
    Thread thread =
        new Thread(
            () -> {
              other[0] = KernelTraffic.bytesRead();
              HostView.of(x).readAll(new double[ROWS * D]);
              other[1] = KernelTraffic.bytesRead();
            });
    thread.start();
    thread.join();

    assertThat(other[0]).as("a new thread's count").isZero();
    assertThat(other[1])
        .as("the other thread's count after its read")
        .isEqualTo((long) ROWS * D * precision.dataType().width());
    assertThat(KernelTraffic.bytesRead()).as("this thread's count").isEqualTo(read);
  }
}
