package io.manifoldsweep.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Softmax cross-entropy of logits {@code [B, C]} against integer labels, computed in double for
 * both precisions in one Java loop over the small logits block. As a chain of ND4J ops (max,
 * subtract, exp, sum, log, one-hot, multiply, sum) it registered about sixty native buffers a step
 * with ND4J's deallocator; see {@link Linalg} for why that count matters.
 */
public final class SoftmaxCrossEntropy {
  private SoftmaxCrossEntropy() {}

  /**
   * Mean loss over the rows; writes d(mean loss)/d(logits) = (softmax - onehot) / B into {@code
   * dLogits}.
   */
  public static double lossAndGradient(INDArray logits, int[] labels, INDArray dLogits) {
    int classes = checkShape(logits, labels);
    double[] lp = logProbs(logits, labels.length, classes);
    double loss = 0;
    double invB = 1.0 / labels.length;
    for (int i = 0; i < labels.length; i++) {
      int o = i * classes;
      loss -= lp[o + labels[i]];
      for (int c = 0; c < classes; c++) {
        lp[o + c] = Math.exp(lp[o + c]) * invB;
      }
      lp[o + labels[i]] -= invB;
    }
    HostView.of(dLogits).write(lp, 0, 0, labels.length * classes);
    return loss / labels.length;
  }

  /**
   * Mean loss and the number of rows whose most probable class (the first, on ties) is the label.
   */
  public static double[] lossAndCorrect(INDArray logits, int[] labels) {
    int classes = checkShape(logits, labels);
    double[] lp = logProbs(logits, labels.length, classes);
    double loss = 0;
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      int o = i * classes;
      loss -= lp[o + labels[i]];
      int arg = 0;
      for (int c = 1; c < classes; c++) {
        if (lp[o + c] > lp[o + arg]) {
          arg = c;
        }
      }
      if (arg == labels[i]) {
        correct++;
      }
    }
    return new double[] {loss / labels.length, correct};
  }

  /**
   * Row-wise log-softmax into a {@link Scratch} buffer, shifted by each row's max for stability.
   */
  private static double[] logProbs(INDArray logits, int rows, int classes) {
    double[] z = Scratch.get().doubles(0, rows * classes);
    HostView.of(logits).read(0, z, 0, rows * classes);
    for (int i = 0; i < rows; i++) {
      int o = i * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, z[o + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        z[o + c] -= max;
        sum += Math.exp(z[o + c]);
      }
      double lse = Math.log(sum);
      for (int c = 0; c < classes; c++) {
        z[o + c] -= lse;
      }
    }
    return z;
  }

  private static int checkShape(INDArray logits, int[] labels) {
    if (logits.rank() != 2 || logits.size(0) != labels.length) {
      throw new IllegalArgumentException(
          "logits of shape "
              + java.util.Arrays.toString(logits.shape())
              + " do not match "
              + labels.length
              + " labels");
    }
    int classes = Math.toIntExact(logits.size(1));
    for (int label : labels) {
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException(
            "label " + label + " is outside the classes 0.." + (classes - 1));
      }
    }
    return classes;
  }
}
