package io.manifoldsweep.task;

import java.util.Arrays;

/**
 * Generates marker modular-arithmetic examples. Every batch is a pure function of a seed and a
 * counter (the training step, or the index of a fixed set), so runs restart and repeat exactly.
 */
public final class MarkerTask {
  private final TaskSpec spec;
  private final int[] distractorTokens;

  public MarkerTask(TaskSpec spec) {
    this.spec = spec;
    this.distractorTokens = allowedDistractors(spec);
  }

  public TaskSpec spec() {
    return spec;
  }

  private static int[] allowedDistractors(TaskSpec spec) {
    int[] out = new int[spec.vocab()];
    int n = 0;
    for (int t = 0; t < spec.vocab(); t++) {
      boolean value = t < spec.modulus();
      boolean marker = t >= spec.markerBase() && t < spec.markerBase() + spec.markersMax();
      if (!marker && (spec.distractorValues() || !value)) {
        out[n++] = t;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * The training batch of {@code step}: m drawn from {@code [mMin, mMax]} (a curriculum stage
   * passes one value for both).
   */
  public Batch trainBatch(long dataSeed, long step, int batchSize, int mMin, int mMax) {
    return generate(RngStream.TRAIN.generator(dataSeed, step), batchSize, mMin, mMax);
  }

  /** The fixed held-out set with exactly {@code m} markers. */
  public Batch evalSet(long evalSeed, int m, int size) {
    return generate(RngStream.EVAL.generator(evalSeed, m), size, m, m);
  }

  /** The fixed probe batch with exactly {@code m} markers, for attention statistics. */
  public Batch probeSet(long evalSeed, int m, int size) {
    return generate(RngStream.PROBE.generator(evalSeed, m), size, m, m);
  }

  /**
   * The fixed activation set with exactly {@code m} markers that the SAE analysis hooks (method
   * section 8).
   */
  public Batch activationSet(long evalSeed, int m, int size) {
    return generate(RngStream.SAE_ACTIVATIONS.generator(evalSeed, m), size, m, m);
  }

  /**
   * One of the two batches of commutator pair {@code pair} at {@code step}; side 0 is A, 1 is B.
   */
  public Batch commutatorBatch(
      long dataSeed, long step, int pair, int side, int batchSize, int mMin, int mMax) {
    return generate(
        RngStream.COMMUTATOR.generator(dataSeed, step, pair, side), batchSize, mMin, mMax);
  }

  /**
   * One of the two batches of a kick's commutator pair: the kicks' own stream, never training's or
   * the probes'.
   */
  public Batch kickBatch(
      long dataSeed, long step, int pair, int side, int batchSize, int mMin, int mMax) {
    return generate(RngStream.KICK.generator(dataSeed, step, pair, side), batchSize, mMin, mMax);
  }

  Batch generate(SplitMix64 rng, int size, int mMin, int mMax) {
    int t = spec.seqLen();
    int[] tokens = new int[size * t];
    int[] labels = new int[size];
    int[] counts = new int[size];
    byte[] roles = new byte[size * t];
    int[] positions = new int[spec.markersMax()];
    int shared = -1;
    if (spec.sampling() == Sampling.PER_BATCH) {
      shared = mMin + rng.nextInt(mMax - mMin + 1);
      drawPositions(rng, shared, positions);
    }
    for (int b = 0; b < size; b++) {
      int m;
      if (shared > 0) {
        m = shared;
      } else {
        m = mMin + rng.nextInt(mMax - mMin + 1);
        drawPositions(rng, m, positions);
      }
      int base = b * t;
      for (int p = 0; p < t; p++) {
        tokens[base + p] = distractorTokens[rng.nextInt(distractorTokens.length)];
      }
      int label = spec.operation().identity();
      for (int i = 0; i < m; i++) {
        int p = positions[i];
        int value = rng.nextInt(spec.modulus());
        tokens[base + p] = spec.markerBase() + i;
        tokens[base + p + 1] = value;
        roles[base + p] = Batch.MARKER;
        roles[base + p + 1] = Batch.VALUE;
        label = spec.operation().combine(label, value, spec.modulus());
      }
      labels[b] = label;
      counts[b] = m;
    }
    return new Batch(size, t, tokens, labels, counts, roles);
  }

  /**
   * Draws m sorted positions in 1..T-2 with consecutive gaps >= 2, uniformly among all such sets:
   * they correspond one-to-one to m-subsets c of {0..T-2-m} via p_i = 1 + c_i + i.
   */
  private void drawPositions(SplitMix64 rng, int m, int[] out) {
    int slots = spec.seqLen() - 1 - m;
    int[] pool = new int[slots];
    for (int i = 0; i < slots; i++) {
      pool[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + rng.nextInt(slots - i);
      int tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
    }
    Arrays.sort(pool, 0, m);
    for (int i = 0; i < m; i++) {
      out[i] = 1 + pool[i] + i;
    }
  }
}
