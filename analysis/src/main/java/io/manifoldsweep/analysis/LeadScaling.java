package io.manifoldsweep.analysis;

/**
 * Whether the defect's lead over generalisation grows as a power of the grok time (method section
 * 9.5): the least-squares line of log(lead) on log(grok step) over the runs with a positive lead,
 * and a one-sided sign test of whether leads are positive more often than chance.
 */
public final class LeadScaling {
  private LeadScaling() {}

  /**
   * The fit; its line is undefined (NaN) with fewer than two positive leads, or when their grok
   * steps are all equal.
   *
   * @param n runs in the fit (positive leads)
   * @param alpha the exponent: slope of log(lead) on log(grok step)
   * @param logIntercept the line's intercept, natural logarithms
   * @param r2 the line's coefficient of determination
   * @param positiveLeads runs whose lead is positive
   * @param nonzeroLeads runs with a lead that is not zero
   * @param signTestP P(X >= positive leads) for X binomial(nonzero leads, 1/2)
   */
  public record Fit(
      int n,
      double alpha,
      double logIntercept,
      double r2,
      int positiveLeads,
      int nonzeroLeads,
      double signTestP) {}

  /** The fit over runs with grok steps and leads (a null lead: the run has none). */
  public static Fit of(long[] grokSteps, Long[] leads) {
    int n = 0;
    int nonzero = 0;
    double sx = 0;
    double sy = 0;
    for (int i = 0; i < leads.length; i++) {
      if (leads[i] == null) {
        continue;
      }
      if (leads[i] != 0) {
        nonzero++;
      }
      if (leads[i] > 0) {
        n++;
        sx += Math.log(grokSteps[i]);
        sy += Math.log(leads[i]);
      }
    }
    double mx = sx / n;
    double my = sy / n;
    double sxx = 0;
    double sxy = 0;
    double syy = 0;
    for (int i = 0; i < leads.length; i++) {
      if (leads[i] != null && leads[i] > 0) {
        double dx = Math.log(grokSteps[i]) - mx;
        double dy = Math.log(leads[i]) - my;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
      }
    }
    double alpha = n >= 2 && sxx > 0 ? sxy / sxx : Double.NaN;
    double intercept = Double.isNaN(alpha) ? Double.NaN : my - alpha * mx;
    double r2 = Double.isNaN(alpha) ? Double.NaN : syy > 0 ? sxy * sxy / (sxx * syy) : 1;
    return new Fit(n, alpha, intercept, r2, n, nonzero, signTest(n, nonzero));
  }

  /** P(X >= k) for X binomial(n, 1/2); 1 when n is 0. */
  static double signTest(int k, int n) {
    double p = 0;
    double choose = 1;
    for (int x = 0; x <= n; x++) {
      if (x >= k) {
        p += choose;
      }
      choose = choose * (n - x) / (x + 1);
    }
    return p / Math.pow(2, n);
  }
}
