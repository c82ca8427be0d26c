package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.task.Batch;

/**
 * Accuracy and cross-entropy of readout logits, pooled and per marker count, over the ablation
 * examples (grouped by marker count, {@code perM} each, as {@link ActivationSet#ablationExamples}
 * lists them).
 *
 * @param accPerM index 0 is the smallest marker count
 */
public record Scores(double acc, double ce, double[] accPerM, double[] cePerM) {
  /** Scores of {@code logits [examples.length, C]} for the listed examples of {@code set}. */
  public static Scores of(double[] logits, int classes, Batch set, int[] examples, int perM) {
    int groups = examples.length / perM;
    double[] acc = new double[groups];
    double[] ce = new double[groups];
    int[] local = java.util.stream.IntStream.range(0, perM).toArray();
    for (int g = 0; g < groups; g++) {
      double[] part =
          java.util.Arrays.copyOfRange(logits, g * perM * classes, (g + 1) * perM * classes);
      int[] labels = new int[perM];
      for (int i = 0; i < perM; i++) {
        labels[i] = set.labels()[examples[g * perM + i]];
      }
      acc[g] = Readout.accuracy(part, classes, labels, local);
      ce[g] = Readout.crossEntropy(part, classes, labels, local);
    }
    return new Scores(mean(acc), mean(ce), acc, ce);
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }
}
