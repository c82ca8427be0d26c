package io.manifoldsweep.task;

/** How the values after the markers combine into the label. */
public enum Operation {
  ADD {
    @Override
    public int combine(int acc, int value, int modulus) {
      return (acc + value) % modulus;
    }

    @Override
    public int identity() {
      return 0;
    }
  },
  MUL {
    @Override
    public int combine(int acc, int value, int modulus) {
      return (acc * value) % modulus;
    }

    @Override
    public int identity() {
      return 1;
    }
  };

  public abstract int combine(int acc, int value, int modulus);

  public abstract int identity();
}
