package io.manifoldsweep.analysis.sae;

/**
 * Scores of readout logits ({@code [examples, C]} row-major) against labels or against a reference
 * distribution, over a list of example indices into the labels.
 */
final class Readout {
  private Readout() {}

  /** Mean cross-entropy of the labels. */
  static double crossEntropy(double[] logits, int classes, int[] labels, int[] examples) {
    double s = 0;
    for (int i = 0; i < examples.length; i++) {
      s += logSumExp(logits, i * classes, classes) - logits[i * classes + labels[examples[i]]];
    }
    return s / examples.length;
  }

  /** Fraction of examples whose argmax (first of equals) is the label. */
  static double accuracy(double[] logits, int classes, int[] labels, int[] examples) {
    int correct = 0;
    for (int i = 0; i < examples.length; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (logits[i * classes + c] > logits[i * classes + best]) {
          best = c;
        }
      }
      correct += best == labels[examples[i]] ? 1 : 0;
    }
    return (double) correct / examples.length;
  }

  /**
   * Mean {@code KL(p || q)} of the softmax distributions of two logit blocks of the same examples.
   */
  static double kl(double[] p, double[] q, int classes) {
    int n = p.length / classes;
    double s = 0;
    for (int i = 0; i < n; i++) {
      int o = i * classes;
      double lp = logSumExp(p, o, classes);
      double lq = logSumExp(q, o, classes);
      for (int c = 0; c < classes; c++) {
        double logP = p[o + c] - lp;
        s += Math.exp(logP) * (logP - (q[o + c] - lq));
      }
    }
    return s / n;
  }

  private static double logSumExp(double[] x, int o, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < n; c++) {
      max = Math.max(max, x[o + c]);
    }
    double s = 0;
    for (int c = 0; c < n; c++) {
      s += Math.exp(x[o + c] - max);
    }
    return max + Math.log(s);
  }
}
