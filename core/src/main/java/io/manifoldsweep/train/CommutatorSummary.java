package io.manifoldsweep.train;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.record.CommutatorRecord;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Reduces the K samples of one probe to a {@link CommutatorRecord}. */
final class CommutatorSummary {
  private CommutatorSummary() {}

  static CommutatorRecord summarise(
      long step, List<CommutatorProbe.Sample> samples, ParamLayout layout, CommutatorVectors keep) {
    double[] defects =
        samples.stream().mapToDouble(CommutatorProbe.Sample::defect).sorted().toArray();
    double cos =
        samples.stream()
            .mapToDouble(CommutatorProbe.Sample::gradCosine)
            .average()
            .orElse(Double.NaN);
    CommutatorProbe.Sample median = median(samples);
    double[] delta = median.delta();
    boolean[] attention = attentionMask(layout);
    double outside = 0;
    for (int i = 0; i < delta.length; i++) {
      if (!attention[i]) {
        outside += delta[i] * delta[i];
      }
    }
    float[] stored =
        switch (keep) {
          case FULL -> toFloats(delta);
          case ATTENTION -> attentionCoordinates(delta, layout);
          case NONE -> null;
        };
    return new CommutatorRecord(
        step,
        samples.size(),
        quantile(defects, 0.5),
        quantile(defects, 0.9),
        cos,
        stored,
        median.deltaNorm(),
        Math.sqrt(outside));
  }

  /**
   * The sample of median defect; the stored vector must be one real sample, so an even K takes the
   * lower of the two middle ones.
   */
  static CommutatorProbe.Sample median(List<CommutatorProbe.Sample> samples) {
    return samples.stream()
        .sorted(Comparator.comparingDouble(CommutatorProbe.Sample::defect))
        .toList()
        .get((samples.size() - 1) / 2);
  }

  /** Linear interpolation between order statistics (numpy's default). */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static boolean[] attentionMask(ParamLayout layout) {
    boolean[] mask = new boolean[(int) layout.size()];
    for (String block : layout.blockNames()) {
      ParamLayout.Entry e = layout.blockEntry(block);
      Arrays.fill(mask, (int) e.offset(), (int) (e.offset() + e.length()), true);
    }
    return mask;
  }

  private static float[] attentionCoordinates(double[] delta, ParamLayout layout) {
    float[] out = new float[(int) layout.attentionSize()];
    int n = 0;
    for (String block : layout.blockNames()) {
      ParamLayout.Entry e = layout.blockEntry(block);
      for (long i = e.offset(); i < e.offset() + e.length(); i++) {
        out[n++] = (float) delta[(int) i];
      }
    }
    return out;
  }

  private static float[] toFloats(double[] xs) {
    float[] out = new float[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = (float) xs[i];
    }
    return out;
  }
}
