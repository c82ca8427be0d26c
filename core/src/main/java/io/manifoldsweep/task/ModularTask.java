package io.manifoldsweep.task;

/**
 * Every pair (a, b) of a binary operation mod p (method section 9.1), split once into a train and a
 * test split by a shuffle that is a pure function of the data seed, so that cells varying only the
 * init seed train on the same split. Sequences are {@code [a, b]}, or {@code [a, b, =]} with the
 * equals token p; the label is {@code a op b mod p}. Training batches draw pairs from the train
 * split with replacement, each a pure function of {@code (data_seed, step)}.
 */
public final class ModularTask {
  private final TaskSpec spec;
  private final long dataSeed;
  private final int[] a;
  private final int[] b;
  private final int trainSize;

  public ModularTask(TaskSpec spec, long dataSeed) {
    if (spec.kind() != TaskKind.MODULAR) {
      throw new IllegalArgumentException(
          "a modular task needs task.kind modular, not " + spec.kind());
    }
    this.spec = spec;
    this.dataSeed = dataSeed;
    int p = spec.modulus();
    int first = spec.operation().nonZeroOperands() ? 1 : 0;
    int n = Math.toIntExact(spec.pairs());
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplitMix64 rng = RngStream.SPLIT.generator(dataSeed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    int side = p - first;
    a = new int[n];
    b = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = first + order[i] / side;
      b[i] = first + order[i] % side;
    }
    trainSize = spec.trainPairs();
  }

  public TaskSpec spec() {
    return spec;
  }

  public int trainSize() {
    return trainSize;
  }

  public int testSize() {
    return a.length - trainSize;
  }

  /** The train split, in split order. */
  public Batch trainSplit() {
    return pairs(0, trainSize);
  }

  /** The test split, in split order. */
  public Batch testSplit() {
    return pairs(trainSize, a.length);
  }

  /** The training batch of {@code step}: {@code size} train pairs drawn with replacement. */
  public Batch trainBatch(long step, int size) {
    return draw(RngStream.TRAIN.generator(dataSeed, step), size);
  }

  /**
   * One of the two batches of commutator pair {@code pair} at {@code step}; side 0 is A, 1 is B.
   */
  public Batch commutatorBatch(long step, int pair, int side, int size) {
    return draw(RngStream.COMMUTATOR.generator(dataSeed, step, pair, side), size);
  }

  /**
   * One of the two batches of a kick's commutator pair: the kicks' own stream, never training's or
   * the probes'.
   */
  public Batch kickBatch(long step, int pair, int side, int size) {
    return draw(RngStream.KICK.generator(dataSeed, step, pair, side), size);
  }

  private Batch draw(SplitMix64 rng, int size) {
    int[] idx = new int[size];
    for (int i = 0; i < size; i++) {
      idx[i] = rng.nextInt(trainSize);
    }
    return batch(idx);
  }

  private Batch pairs(int from, int to) {
    int[] idx = new int[to - from];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = from + i;
    }
    return batch(idx);
  }

  private Batch batch(int[] idx) {
    int t = spec.seqLen();
    int p = spec.modulus();
    int[] tokens = new int[idx.length * t];
    int[] labels = new int[idx.length];
    byte[] roles = new byte[idx.length * t];
    for (int i = 0; i < idx.length; i++) {
      int x = a[idx[i]];
      int y = b[idx[i]];
      tokens[i * t] = x;
      tokens[i * t + 1] = y;
      roles[i * t] = Batch.VALUE;
      roles[i * t + 1] = Batch.VALUE;
      if (t == 3) {
        tokens[i * t + 2] = p;
        roles[i * t + 2] = Batch.DISTRACTOR;
      }
      labels[i] = spec.operation().apply(x, y, p);
    }
    return new Batch(idx.length, t, tokens, labels, new int[idx.length], roles);
  }
}
