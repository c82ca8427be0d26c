package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.analysis.sae.ActivationSet.Category;
import io.manifoldsweep.analysis.sae.ActivationSet.Variable;

/**
 * What each latent encodes (method section 8): for every latent and task variable, the correlation
 * ratio {@code eta^2 = SS_between / SS_total} of the latent's activation over the variable's
 * classes, on the rows where the variable applies (marker index on marker rows, value on value
 * rows, the rest on every row). The best variable decides the category; below the threshold it is
 * {@code other}. One pass over the codes' active slots: O(rows k |variables|).
 */
public final class LatentAssociations {
  /**
   * One latent: how often it fires, its mean activation over all rows, and its eta^2 per variable.
   */
  public record Latent(
      int index,
      double frequency,
      double meanActivation,
      double[] eta2,
      Variable best,
      double association,
      Category category) {
    public boolean alive() {
      return frequency > 0;
    }
  }

  private LatentAssociations() {}

  public static Latent[] of(Codes codes, ActivationSet set, int latents, double minAssociation) {
    Variable[] vars = Variable.values();
    int rows = codes.rows();
    // per variable: rows where it applies and rows per class (the same for every latent)
    long[] applicable = new long[vars.length];
    long[][] classRows = new long[vars.length][];
    for (Variable v : vars) {
      classRows[v.ordinal()] = new long[set.classes(v)];
    }
    for (int r = 0; r < rows; r++) {
      for (Variable v : vars) {
        int cls = set.variable(v, r);
        if (cls >= 0) {
          applicable[v.ordinal()]++;
          classRows[v.ordinal()][cls]++;
        }
      }
    }
    double[][] sum = new double[vars.length][latents];
    double[][] squares = new double[vars.length][latents];
    double[][][] classSum = new double[vars.length][latents][];
    for (Variable v : vars) {
      for (int j = 0; j < latents; j++) {
        classSum[v.ordinal()][j] = new double[set.classes(v)];
      }
    }
    long[] fired = new long[latents];
    double[] total = new double[latents];
    for (int r = 0; r < rows; r++) {
      for (int s = 0; s < codes.k(); s++) {
        int j = codes.idx()[r * codes.k() + s];
        double a = codes.val()[r * codes.k() + s];
        if (j < 0 || a <= 0) {
          continue;
        }
        fired[j]++;
        total[j] += a;
        for (Variable v : vars) {
          int cls = set.variable(v, r);
          if (cls >= 0) {
            sum[v.ordinal()][j] += a;
            squares[v.ordinal()][j] += a * a;
            classSum[v.ordinal()][j][cls] += a;
          }
        }
      }
    }
    Latent[] out = new Latent[latents];
    for (int j = 0; j < latents; j++) {
      double[] eta2 = new double[vars.length];
      Variable best = null;
      double association = 0;
      for (Variable v : vars) {
        int vi = v.ordinal();
        double n = applicable[vi];
        double ssTotal = squares[vi][j] - sum[vi][j] * sum[vi][j] / n;
        double between = 0;
        for (int c = 0; c < classRows[vi].length; c++) {
          if (classRows[vi][c] > 0) {
            between += classSum[vi][j][c] * classSum[vi][j][c] / classRows[vi][c];
          }
        }
        between -= sum[vi][j] * sum[vi][j] / n;
        // a latent constant over the applicable rows (silent there) explains nothing of the
        // variable
        eta2[vi] =
            ssTotal > 1e-12 * squares[vi][j] && ssTotal > 0
                ? Math.max(0, Math.min(1, between / ssTotal))
                : 0;
        if (best == null || eta2[vi] > association) {
          best = v;
          association = eta2[vi];
        }
      }
      Category category =
          fired[j] == 0 || association < minAssociation ? Category.OTHER : best.category;
      out[j] =
          new Latent(
              j,
              (double) fired[j] / rows,
              total[j] / rows,
              eta2,
              fired[j] == 0 ? null : best,
              association,
              category);
    }
    return out;
  }
}
