package io.manifoldsweep.task;

/**
 * The binary operations mod p (method sections 1 and 9.1), each with a non-negative result. The
 * marker task combines its values with {@code add} or {@code mul}; the modular task learns any of
 * them on pairs (a, b).
 */
public enum Operation {
  ADD,
  SUB,
  MUL,
  DIV,
  X2_Y2,
  X2_XY_Y2,
  X3_XY;

  /** The result of {@code a op b} mod p, in 0..p-1. */
  public int apply(int a, int b, int p) {
    long x = a;
    long y = b;
    long r =
        switch (this) {
          case ADD -> x + y;
          case SUB -> x - y;
          case MUL -> x * y;
          case DIV -> x * inverse(b, p);
          case X2_Y2 -> x * x + y * y;
          case X2_XY_Y2 -> x * x + x * y + y * y;
          case X3_XY -> x * x % p * x + x * y;
        };
    return (int) Math.floorMod(r, (long) p);
  }

  /** The marker task's fold of its values: the label so far, then one more value. */
  public int combine(int acc, int value, int modulus) {
    return apply(acc, value, modulus);
  }

  /** The value the marker task's fold starts from; only {@code add} and {@code mul} have one. */
  public int identity() {
    return switch (this) {
      case ADD -> 0;
      case MUL -> 1;
      default -> throw new IllegalStateException(label() + " is no operation of the marker task");
    };
  }

  /**
   * Whether operands run over 1..p-1 instead of 0..p-1 ({@code mul} and {@code div}, as the
   * follow-up).
   */
  public boolean nonZeroOperands() {
    return this == MUL || this == DIV;
  }

  /** Whether the operation needs a prime modulus (a multiplicative inverse of every operand). */
  public boolean needsPrime() {
    return this == DIV;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** b^-1 mod p for a prime p, by Fermat: b^(p-2). */
  private static long inverse(long b, int p) {
    long result = 1;
    long base = Math.floorMod(b, (long) p);
    for (long e = p - 2; e > 0; e >>= 1) {
      if ((e & 1) == 1) {
        result = result * base % p;
      }
      base = base * base % p;
    }
    return result;
  }
}
