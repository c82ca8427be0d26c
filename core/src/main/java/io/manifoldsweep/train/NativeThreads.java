package io.manifoldsweep.train;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Pins ND4J's OpenMP pool and OpenBLAS to a thread count. A Spark task that owns one core must use
 * one native thread, or tasks on the same executor oversubscribe the machine. OMP_NUM_THREADS in the
 * environment is still the most reliable setting, because ND4J starts its pool at class loading.
 */
public final class NativeThreads {
  private NativeThreads() {}

  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("native thread count must be >= 1, got " + threads);
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
  }
}
