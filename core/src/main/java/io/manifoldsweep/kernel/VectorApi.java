package io.manifoldsweep.kernel;

/**
 * The attention kernel uses the JDK's Vector API, which Java 17 to 25 ship as the incubator module
 * {@code jdk.incubator.vector}; a JVM only sees it when started with {@code
 * --add-modules=jdk.incubator.vector}. Checked up front so a JVM without it fails with that
 * instruction instead of a NoClassDefFoundError mid-run.
 */
public final class VectorApi {
  static final String MODULE = "jdk.incubator.vector";

  private VectorApi() {}

  public static void require() {
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      throw new IllegalStateException(
          "the model needs the JDK module "
              + MODULE
              + ": start this JVM with --add-modules="
              + MODULE
              + " (the scripts in submit/ pass it; add it to spark.driver.extraJavaOptions"
              + " and spark.executor.extraJavaOptions when submitting by hand)");
    }
  }
}
