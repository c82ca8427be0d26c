package io.manifoldsweep.jobs.bench;

import java.util.Arrays;

/** The median of repeated timings, which one slow round on a shared host does not move. */
final class Median {
  private Median() {}

  static double of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
