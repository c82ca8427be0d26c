package io.manifoldsweep.intervene;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.task.RngStream;
import io.manifoldsweep.task.SplitMix64;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The subspace B of an intervention (method 9.4): K orthonormal columns of the flat parameter
 * vector, each inside one attention matrix, so B never touches another coordinate. Columns of one
 * matrix are orthonormal; columns of two matrices share no coordinate.
 */
public final class Basis implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One column: its values at the coordinates {@code offset ..} of one attention matrix. */
  public record Column(String block, long offset, double[] values) implements Serializable {}

  private final List<Column> columns;
  private final long size;
  private final long[][] attentionRanges;

  private Basis(ParamLayout layout, List<Column> columns) {
    this.columns = List.copyOf(columns);
    this.size = layout.size();
    List<String> blocks = layout.blockNames();
    attentionRanges = new long[blocks.size()][];
    for (int b = 0; b < blocks.size(); b++) {
      ParamLayout.Entry e = layout.blockEntry(blocks.get(b));
      attentionRanges[b] = new long[] {e.offset(), e.offset() + e.length()};
    }
  }

  /**
   * A basis from directions per attention matrix ({@code block -> rows}, each row a direction of
   * that matrix's coordinates), in the layout's block order.
   */
  public static Basis of(ParamLayout layout, Map<String, double[][]> directions) {
    List<Column> columns = new ArrayList<>();
    for (String block : layout.blockNames()) {
      double[][] rows = directions.get(block);
      if (rows == null) {
        throw new IllegalArgumentException("no directions for attention matrix " + block);
      }
      ParamLayout.Entry e = layout.blockEntry(block);
      for (double[] r : rows) {
        if (r.length != e.length()) {
          throw new IllegalArgumentException(
              block + " has " + e.length() + " coordinates, a direction " + r.length);
        }
        columns.add(new Column(block, e.offset(), r.clone()));
      }
    }
    return new Basis(layout, columns);
  }

  /**
   * {@code components} random orthonormal directions inside each attention matrix, from their own
   * stream of the init seed: the control with the same support and K as a reference basis.
   */
  public static Basis random(ParamLayout layout, int components, long initSeed) {
    Map<String, double[][]> directions = new java.util.LinkedHashMap<>();
    for (String block : layout.blockNames()) {
      SplitMix64 rng = RngStream.INTERVENTION.generator(initSeed, block.hashCode());
      int n = Math.toIntExact(layout.blockEntry(block).length());
      double[][] rows = new double[components][n];
      for (int k = 0; k < components; k++) {
        for (int i = 0; i < n; i++) {
          rows[k][i] = rng.nextGaussian();
        }
        for (int j = 0; j < k; j++) {
          double dot = dot(rows[k], rows[j]);
          for (int i = 0; i < n; i++) {
            rows[k][i] -= dot * rows[j][i];
          }
        }
        double norm = Math.sqrt(dot(rows[k], rows[k]));
        for (int i = 0; i < n; i++) {
          rows[k][i] /= norm;
        }
      }
      directions.put(block, rows);
    }
    return of(layout, directions);
  }

  public List<Column> columns() {
    return columns;
  }

  /** {@code B B^T x} for a flat vector {@code x}: zero outside the attention matrices. */
  public double[] project(double[] x) {
    double[] out = new double[x.length];
    for (Column c : columns) {
      int off = Math.toIntExact(c.offset());
      double[] v = c.values();
      double dot = 0;
      for (int i = 0; i < v.length; i++) {
        dot += v[i] * x[off + i];
      }
      for (int i = 0; i < v.length; i++) {
        out[off + i] += dot * v[i];
      }
    }
    return out;
  }

  /** {@code |B B^T v| / |v|}: how much of {@code v} lies in span(B); 0 for a zero vector. */
  public double fractionInSpan(double[] v) {
    double total = norm(v);
    return total == 0 ? 0 : norm(project(v)) / total;
  }

  /** Whether coordinate {@code i} of the flat vector belongs to an attention matrix. */
  public boolean inAttention(long i) {
    for (long[] r : attentionRanges) {
      if (i >= r[0] && i < r[1]) {
        return true;
      }
    }
    return false;
  }

  /** The attention matrices' coordinate ranges, {@code [from, to)} each, in block order. */
  public long[][] attentionRanges() {
    return attentionRanges;
  }

  public long size() {
    return size;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] v) {
    return Math.sqrt(dot(v, v));
  }
}
