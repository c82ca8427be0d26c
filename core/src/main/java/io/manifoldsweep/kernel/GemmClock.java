package io.manifoldsweep.kernel;

/**
 * Time this thread has spent inside the model's matrix products, so that a benchmark can split a
 * training step into its gemms and the rest as they ran in the step (operands as cold or hot as
 * training leaves them), not only against a floor timed on one shape at a time. Per thread because
 * an executor runs several cells at once; two clock reads per product cost microseconds per step.
 */
public final class GemmClock {
  private static final ThreadLocal<long[]> NANOS = ThreadLocal.withInitial(() -> new long[1]);

  private GemmClock() {}

  /** Nanoseconds this thread has spent in {@link Linalg}'s products since it started. */
  public static long nanos() {
    return NANOS.get()[0];
  }

  static void add(long nanos) {
    NANOS.get()[0] += nanos;
  }
}
