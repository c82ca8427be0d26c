package io.manifoldsweep.kernel;

/**
 * Per-thread, grow-only {@code double[]} and {@code float[]} buffers for the kernels. A training
 * step used to allocate about 200 MB/s of short-lived blocks, which cost young collections that
 * stop every task of an executor at once; with these it allocates almost nothing. A kernel owns
 * slots 0..n of each type while it runs (kernels do not nest), finds whatever the previous user
 * left in them, and may get a longer array than it asked for.
 */
public final class Scratch {
  private static final int SLOTS = 18;
  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  private final double[][] doubleSlots = new double[SLOTS][];
  private final float[][] floatSlots = new float[SLOTS][];

  private Scratch() {}

  /** This thread's buffers. */
  public static Scratch get() {
    return LOCAL.get();
  }

  /** An array of at least {@code length} doubles for {@code slot}. */
  public double[] doubles(int slot, int length) {
    double[] b = doubleSlots[slot];
    if (b == null || b.length < length) {
      b = new double[length];
      doubleSlots[slot] = b;
    }
    return b;
  }

  /**
   * An array of at least {@code length} floats for {@code slot}; float slots are apart from double
   * ones.
   */
  public float[] floats(int slot, int length) {
    float[] b = floatSlots[slot];
    if (b == null || b.length < length) {
      b = new float[length];
      floatSlots[slot] = b;
    }
    return b;
  }
}
