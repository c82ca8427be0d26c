package io.manifoldsweep.task;

/**
 * A small counter-based generator (SplitMix64) whose output is fixed by this file alone, so a
 * stream derived from {@code (seed, purpose, step)} is the same on every JVM and in every future
 * version of the project. {@link java.util.SplittableRandom} is not used because its algorithm is
 * an implementation detail of the JDK.
 */
public final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /**
   * A generator whose seed is a hash of all the given keys, for independent per-purpose streams.
   */
  public static SplitMix64 forKeys(long... keys) {
    long h = 0x6A09E667F3BCC909L;
    for (long k : keys) {
      h = mix(h ^ mix(k + GOLDEN_GAMMA));
    }
    return new SplitMix64(h);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in [0, bound), without modulo bias. */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long limit = Long.remainderUnsigned(-1L, bound);
    while (true) {
      long r = nextLong();
      // reject the top partial block of the 2^64 range so every residue is equally likely
      if (Long.compareUnsigned(r, -1L - limit) <= 0) {
        return (int) Long.remainderUnsigned(r, bound);
      }
    }
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Standard normal by Box-Muller; one draw per call keeps the stream easy to reason about. */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
