package io.manifoldsweep.train;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Pins ND4J's OpenMP pool and OpenBLAS to a thread count. A Spark task that owns one core must use
 * one native thread, or tasks on the same executor oversubscribe the machine.
 *
 * <p>OpenBLAS sizes its own pool from OPENBLAS_NUM_THREADS when the library loads and offers no
 * setter that reaches it afterwards; left unset it takes every core, which made a small model's
 * step 35% slower alone and halved throughput with two tasks. The submit scripts and the tests set
 * it, and {@link #set} warns when it differs from the requested count.
 */
public final class NativeThreads {
  private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

  private NativeThreads() {}

  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("native thread count must be >= 1, got " + threads);
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    String blas = System.getenv("OPENBLAS_NUM_THREADS");
    if (!String.valueOf(threads).equals(blas) && WARNED.compareAndSet(false, true)) {
      System.err.println("manifold-sweep: OPENBLAS_NUM_THREADS=" + blas + " but " + threads
          + " native thread(s) were requested; set OPENBLAS_NUM_THREADS=" + threads + " in the environment of this JVM");
    }
  }
}
