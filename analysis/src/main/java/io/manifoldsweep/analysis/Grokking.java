package io.manifoldsweep.analysis;

/**
 * When a run memorised and when it generalised, and whether its commutator defect rose before it
 * did (method section 9.5). One definition each, where the follow-up's code had five "grok steps".
 * Steps are those of the records the series come from; a step that never happened is null.
 */
public final class Grokking {
  private Grokking() {}

  /**
   * The thresholds of the definitions (analysis settings).
   *
   * @param memorization train accuracy at which a run has memorised
   * @param grok test accuracy of {@code grok_step_90}
   * @param stopAccuracy test accuracy that {@code patience} consecutive evals must reach for {@code
   *     grok_step_patience}
   * @param patience consecutive evals
   * @param onsetFactor the defect's onset: above this multiple of its baseline
   * @param onsetFloor ... and above this absolute value
   * @param baselineMin the baseline is at least this
   */
  public record Thresholds(
      double memorization,
      double grok,
      double stopAccuracy,
      int patience,
      double onsetFactor,
      double onsetFloor,
      double baselineMin) {}

  /** The metrics of one run; null where undefined. */
  public record Metrics(
      Long memorizationStep,
      Long grokStep90,
      Long grokStepPatience,
      double defectBaseline,
      Long onsetStep,
      Long lead,
      Double normalizedLead,
      double growth) {
    /** Whether the run generalised: its test accuracy reached the grok threshold. */
    public boolean grokked() {
      return grokStep90 != null;
    }
  }

  /**
   * @param evalSteps steps of the evaluations, ascending
   * @param trainAccuracy at those steps
   * @param testAccuracy at those steps
   * @param defectSteps steps of the commutator records, ascending
   * @param defectMedian the records' median defect D
   */
  public static Metrics of(
      long[] evalSteps,
      double[] trainAccuracy,
      double[] testAccuracy,
      long[] defectSteps,
      double[] defectMedian,
      Thresholds t) {
    Long memorization = firstAtLeast(evalSteps, trainAccuracy, t.memorization());
    Long grok90 = firstAtLeast(evalSteps, testAccuracy, t.grok());
    Long patience = null;
    int run = 0;
    for (int i = 0; i < evalSteps.length && patience == null; i++) {
      run = testAccuracy[i] >= t.stopAccuracy() ? run + 1 : 0;
      if (run >= t.patience()) {
        patience = evalSteps[i];
      }
    }
    // a run without commutator records has no defect: its baseline and growth are NaN
    double baseline =
        defectMedian.length == 0
            ? Double.NaN
            : Math.max(median(defectMedian, Math.min(3, defectMedian.length)), t.baselineMin());
    Long onset = null;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < defectMedian.length; i++) {
      double d = defectMedian[i];
      max = Math.max(max, d);
      if (onset == null && i >= 2 && d > t.onsetFactor() * baseline && d > t.onsetFloor()) {
        onset = defectSteps[i];
      }
    }
    Long lead = grok90 != null && onset != null ? grok90 - onset : null;
    Double normalized = lead != null && patience != null ? (double) lead / patience : null;
    return new Metrics(
        memorization, grok90, patience, baseline, onset, lead, normalized, max / baseline);
  }

  private static Long firstAtLeast(long[] steps, double[] values, double threshold) {
    for (int i = 0; i < steps.length; i++) {
      if (values[i] >= threshold) {
        return steps[i];
      }
    }
    return null;
  }

  /** The median of the first {@code n} values. */
  private static double median(double[] values, int n) {
    double[] v = java.util.Arrays.copyOf(values, n);
    java.util.Arrays.sort(v);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
