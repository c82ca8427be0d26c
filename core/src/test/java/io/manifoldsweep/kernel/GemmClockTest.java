package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GemmClockTest {
  @Test
  void countsThisThreadsProductsOnly() throws InterruptedException {
    INDArray a = Nd4j.rand(DataType.FLOAT, 256, 256);
    INDArray c = Nd4j.zeros(DataType.FLOAT, 256, 256);
    long before = GemmClock.nanos();
    Linalg.mmInto(a, a, c, false, false);
    long afterOwn = GemmClock.nanos();
    assertThat(afterOwn).as("this thread's clock after its own product").isGreaterThan(before);

    long[] otherThreads = new long[2];
    Thread other =
        new Thread(
            () -> {
              otherThreads[0] = GemmClock.nanos();
              Linalg.mmInto(a, a, Nd4j.zeros(DataType.FLOAT, 256, 256), false, true);
              otherThreads[1] = GemmClock.nanos();
            });
    other.start();
    other.join();
    assertThat(otherThreads[0]).as("a new thread's clock").isZero();
    assertThat(otherThreads[1]).as("the other thread's clock after its product").isPositive();
    assertThat(GemmClock.nanos())
        .as("this thread's clock after another thread's product")
        .isEqualTo(afterOwn);
  }
}
