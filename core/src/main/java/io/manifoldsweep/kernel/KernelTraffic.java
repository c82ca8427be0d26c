package io.manifoldsweep.kernel;

/**
 * Bytes this thread's kernels have moved between ND4J's native arrays and the Java heap ({@link
 * HostView}), and that the BLAS vector passes (bias adds, column sums) have read and written: what
 * a benchmark weighs against the machine's copy bandwidth to tell how much of the step outside the
 * gemms is memory traffic. Per thread, like {@link GemmClock}, because an executor runs several
 * cells at once.
 */
public final class KernelTraffic {
  private static final ThreadLocal<long[]> BYTES = ThreadLocal.withInitial(() -> new long[2]);

  private KernelTraffic() {}

  /** Bytes this thread has read from native arrays since it started. */
  public static long bytesRead() {
    return BYTES.get()[0];
  }

  /** Bytes this thread has written to native arrays since it started. */
  public static long bytesWritten() {
    return BYTES.get()[1];
  }

  static void add(long read, long written) {
    long[] bytes = BYTES.get();
    bytes[0] += read;
    bytes[1] += written;
  }
}
