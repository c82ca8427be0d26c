package io.manifoldsweep.train;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
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
 *
 * <p>With more than one thread, OpenMP's workers spin between parallel regions by default, and the
 * step alternates gemms with single-threaded Java kernels: on 2 cores with 2 threads the spinning
 * workers of oneDNN, ND4J and OpenBLAS took the cores from the kernels and the step ran 5 times
 * slower (218-262 ms against 51 with {@code OMP_WAIT_POLICY=PASSIVE}). The policy is read when the
 * libraries load, so the scripts and the tests set it, and {@link #set} warns when it is unset.
 */
public final class NativeThreads {
  /**
   * The variables the native libraries read when they load, in the order {@link #environment} names
   * them.
   */
  static final List<String> VARIABLES =
      List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE");

  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final AtomicBoolean WAIT_POLICY_WARNED = new AtomicBoolean();

  private NativeThreads() {}

  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("native thread count must be >= 1, got " + threads);
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    warnOnce(WARNED, threadCountProblem(threads, System.getenv("OPENBLAS_NUM_THREADS")));
    warnOnce(WAIT_POLICY_WARNED, waitPolicyProblem(threads, System.getenv("OMP_WAIT_POLICY")));
  }

  /**
   * The native libraries' variables as set in {@code env} ("OMP_NUM_THREADS=1 ..."; unset ones left
   * out): a run's record of the environment it trained in, since they fix the pool sizes and
   * kernels for the JVM's life whatever {@link #set} asks later.
   */
  public static String environment(Map<String, String> env) {
    return VARIABLES.stream()
        .filter(env::containsKey)
        .map(v -> v + "=" + env.get(v))
        .collect(Collectors.joining(" "));
  }

  /**
   * The environment is the JVM's for its whole life, so each problem is told once per JVM, not per
   * task.
   */
  private static void warnOnce(AtomicBoolean warned, Optional<String> problem) {
    if (problem.isPresent() && warned.compareAndSet(false, true)) {
      System.err.println("manifold-sweep: WARNING: " + problem.get());
    }
  }

  /**
   * What is wrong with OpenBLAS's thread count (the environment's value, null when unset) for this
   * many threads.
   */
  static Optional<String> threadCountProblem(int threads, String openblasThreads) {
    if (String.valueOf(threads).equals(openblasThreads)) {
      return Optional.empty();
    }
    String found =
        openblasThreads == null
            ? "OPENBLAS_NUM_THREADS is unset, so OpenBLAS may have sized its pool to every core,"
            : "OPENBLAS_NUM_THREADS='" + openblasThreads + "', the size of OpenBLAS's pool,";
    return Optional.of(
        found
            + " but this JVM was asked for "
            + threads
            + " native thread(s); set OPENBLAS_NUM_THREADS="
            + threads
            + " in the environment of this JVM (spark.executorEnv.OPENBLAS_NUM_THREADS="
            + threads
            + " for executors, equal to spark.task.cpus)");
  }

  /**
   * What is wrong with an OpenMP wait policy (the environment's value, null when unset) for this
   * many threads.
   */
  static Optional<String> waitPolicyProblem(int threads, String policy) {
    if (threads == 1 || policy != null) {
      return Optional.empty();
    }
    return Optional.of(
        threads
            + " native threads with OMP_WAIT_POLICY unset: OpenMP's idle workers spin and take the cores"
            + " from the Java kernels between gemms (a step 5x slower on 2 cores); set OMP_WAIT_POLICY=PASSIVE in the environment of this JVM"
            + " (spark.executorEnv.OMP_WAIT_POLICY=PASSIVE for executors)");
  }
}
