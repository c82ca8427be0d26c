package io.manifoldsweep.kernel;

import java.util.Optional;
import org.bytedeco.javacpp.Loader;

/**
 * The platform this JVM runs on against the one the native libraries come for. ND4J, OpenBLAS and
 * oneDNN are declared, and shaded into the application jar, as their linux-x86_64 binaries only;
 * anywhere else (an Apple silicon laptop, an ARM cluster node) ND4J's first use died with "ND4J is
 * probably missing dependencies" above a page of UnsatisfiedLinkErrors, and on an executor that
 * Error escaped the cell's failure handling. JavaCPP's own platform name is used, as it is what
 * picks the binaries.
 */
public final class NativePlatform {
  /** The platform whose binaries the build declares. */
  public static final String PACKAGED = "linux-x86_64";

  private NativePlatform() {}

  /**
   * Why a JVM on {@code platform} (JavaCPP's name, e.g. {@code macosx-arm64}) cannot train, if it
   * cannot.
   */
  public static Optional<String> problem(String platform) {
    if (PACKAGED.equals(platform)) {
      return Optional.empty();
    }
    return Optional.of(
        "this JVM runs on "
            + platform
            + " (os.name="
            + System.getProperty("os.name")
            + ", os.arch="
            + System.getProperty("os.arch")
            + "), but manifold-sweep's native libraries (ND4J, OpenBLAS, oneDNN) are built in for "
            + PACKAGED
            + " only: run it on a Linux x86-64 machine, VM or container (on a cluster, every executor too)");
  }

  public static Optional<String> problem() {
    return problem(Loader.getPlatform());
  }

  /** Throws, before any native library loads, where {@link #problem()} names one. */
  public static void require() {
    require(Loader.getPlatform());
  }

  static void require(String platform) {
    problem(platform)
        .ifPresent(
            p -> {
              throw new IllegalStateException(p);
            });
  }
}
