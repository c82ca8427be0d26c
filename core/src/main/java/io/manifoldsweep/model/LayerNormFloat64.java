package io.manifoldsweep.model;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link LayerNorm} computed in double; like {@link AttentionFloat64} it is also the template of a
 * generated float instantiation, {@code LayerNormFloat32} (see core/pom.xml), so it must compile
 * with double replaced by float.
 *
 * <p>One pass per block of rows in Java; as ND4J ops it took a dozen passes over the activations.
 * The loops are written with the Vector API (scalar at the row's end) because C2 left the plain
 * loops scalar: they store to several arrays it cannot prove distinct.
 */
final class LayerNormFloat64 {
  /** Rows per block: one batch element of the canonical model, small enough to stay in L1/L2. */
  private static final int BLOCK_ROWS = 16;
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  private LayerNormFloat64() {}

  static INDArray forward(INDArray x, INDArray gamma, INDArray beta, LayerNorm.Cache[] cacheOut) {
    int rows = Math.toIntExact(x.size(0));
    int d = Math.toIntExact(x.size(1));
    INDArray out = Workspaces.array(x.dataType(), rows, d);
    INDArray xhat = Workspaces.array(x.dataType(), rows, d);
    INDArray rstd = Workspaces.array(x.dataType(), rows);
    HostView.Float64 xView = HostView.Float64.view(x);
    HostView.Float64 outView = HostView.Float64.view(out);
    HostView.Float64 xhatView = HostView.Float64.view(xhat);
    HostView.Float64 rstdView = HostView.Float64.view(rstd);
    Scratch scratch = Scratch.get();
    double[] g = scratch.doubles(0, d);
    double[] bt = scratch.doubles(1, d);
    double[] buf = scratch.doubles(2, BLOCK_ROWS * d);
    double[] y = scratch.doubles(3, BLOCK_ROWS * d);
    double[] rs = scratch.doubles(4, BLOCK_ROWS);
    HostView.Float64.view(gamma).readAll(g);
    HostView.Float64.view(beta).readAll(bt);
    for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      int n = Math.min(BLOCK_ROWS, rows - r0);
      xView.read(r0 * d, buf, 0, n * d);
      for (int r = 0; r < n; r++) {
        rs[r] = normalizeRow(buf, r * d, d, g, bt, y);
      }
      xhatView.write(buf, 0, r0 * d, n * d);
      outView.write(y, 0, r0 * d, n * d);
      rstdView.write(rs, 0, r0, n);
    }
    cacheOut[0] = new LayerNorm.Cache(xhat, rstd);
    return out;
  }

  /** See {@link LayerNorm#addBackward}. */
  static void addBackward(INDArray dy, LayerNorm.Cache cache, INDArray gamma, INDArray dGamma, INDArray dBeta, INDArray dx) {
    int rows = Math.toIntExact(dy.size(0));
    int d = Math.toIntExact(dy.size(1));
    HostView.Float64 dyView = HostView.Float64.view(dy);
    HostView.Float64 xhatView = HostView.Float64.view(cache.xhat());
    HostView.Float64 dxView = HostView.Float64.view(dx);
    HostView.Float64 rstdView = HostView.Float64.view(cache.rstd());
    Scratch scratch = Scratch.get();
    double[] g = scratch.doubles(0, d);
    double[] rs = scratch.doubles(1, BLOCK_ROWS);
    double[] dyBuf = scratch.doubles(2, BLOCK_ROWS * d);
    double[] xh = scratch.doubles(3, BLOCK_ROWS * d);
    double[] acc = scratch.doubles(4, BLOCK_ROWS * d);
    double[] dxh = scratch.doubles(5, d);
    HostView.Float64.view(gamma).readAll(g);
    double[] sumGamma = scratch.doubles(6, d);
    double[] sumBeta = scratch.doubles(7, d);
    Arrays.fill(sumGamma, 0, d, 0);
    Arrays.fill(sumBeta, 0, d, 0);
    for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      int n = Math.min(BLOCK_ROWS, rows - r0);
      dyView.read(r0 * d, dyBuf, 0, n * d);
      xhatView.read(r0 * d, xh, 0, n * d);
      dxView.read(r0 * d, acc, 0, n * d);
      rstdView.read(r0, rs, 0, n);
      for (int r = 0; r < n; r++) {
        backwardRow(dyBuf, xh, r * d, d, g, rs[r], dxh, sumGamma, sumBeta, acc);
      }
      dxView.write(acc, 0, r0 * d, n * d);
    }
    HostView.Float64.view(dGamma).writeAll(sumGamma);
    HostView.Float64.view(dBeta).writeAll(sumBeta);
  }

  /*
   * The row work lives in small methods on purpose: C2 turns Vector API calls into SIMD only when
   * it inlines them, and a large method runs out of inlining budget and falls back to the API's
   * boxed Java implementation.
   */

  /** Normalises {@code x[o..o+d)} in place to xhat, writes gamma*xhat+beta to y, returns 1/std. */
  private static double normalizeRow(double[] x, int o, int d, double[] g, double[] bt, double[] y) {
    int bound = LANES.loopBound(d);
    double mean = sum(x, o, d) / d;
    int c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector.fromArray(LANES, x, o + c).sub(mean).intoArray(x, o + c);
    }
    for (; c < d; c++) {
      x[o + c] -= mean;
    }
    double inv = (double) (1 / Math.sqrt(dot(x, o, x, o, d) / d + LayerNorm.EPS));
    c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector xh = DoubleVector.fromArray(LANES, x, o + c).mul(inv);
      xh.intoArray(x, o + c);
      xh.fma(DoubleVector.fromArray(LANES, g, c), DoubleVector.fromArray(LANES, bt, c)).intoArray(y, o + c);
    }
    for (; c < d; c++) {
      x[o + c] *= inv;
      y[o + c] = x[o + c] * g[c] + bt[c];
    }
    return inv;
  }

  /** One row's backward: accumulates dgamma, dbeta and adds dx into {@code acc[o..o+d)}. */
  private static void backwardRow(double[] dy, double[] xh, int o, int d, double[] g, double inv, double[] dxh,
      double[] sumGamma, double[] sumBeta, double[] acc) {
    int bound = LANES.loopBound(d);
    int c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector dyc = DoubleVector.fromArray(LANES, dy, o + c);
      dyc.fma(DoubleVector.fromArray(LANES, xh, o + c), DoubleVector.fromArray(LANES, sumGamma, c)).intoArray(sumGamma, c);
      dyc.add(DoubleVector.fromArray(LANES, sumBeta, c)).intoArray(sumBeta, c);
      dyc.mul(DoubleVector.fromArray(LANES, g, c)).intoArray(dxh, c);
    }
    for (; c < d; c++) {
      sumGamma[c] += dy[o + c] * xh[o + c];
      sumBeta[c] += dy[o + c];
      dxh[c] = dy[o + c] * g[c];
    }
    double meanD = sum(dxh, 0, d) / d;
    double meanDX = dot(dxh, 0, xh, o, d) / d;
    DoubleVector invV = DoubleVector.broadcast(LANES, inv);
    c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector xhc = DoubleVector.fromArray(LANES, xh, o + c);
      DoubleVector.fromArray(LANES, dxh, c).sub(meanD).sub(xhc.mul(meanDX))
          .fma(invV, DoubleVector.fromArray(LANES, acc, o + c)).intoArray(acc, o + c);
    }
    for (; c < d; c++) {
      acc[o + c] += (dxh[c] - meanD - xh[o + c] * meanDX) * inv;
    }
  }

  /**
   * Row sums with a vector of partial sums. A scalar sum is one chain of dependent adds, bound by
   * add latency, and C2 does not vectorize it (it would reorder the additions); it made LayerNorm
   * cost as much as a projection gemm.
   */
  private static double sum(double[] x, int off, int len) {
    DoubleVector acc = DoubleVector.zero(LANES);
    int c = 0;
    for (; c < LANES.loopBound(len); c += LANES.length()) {
      acc = acc.add(DoubleVector.fromArray(LANES, x, off + c));
    }
    double s = acc.reduceLanes(VectorOperators.ADD);
    for (; c < len; c++) {
      s += x[off + c];
    }
    return s;
  }

  private static double dot(double[] x, int xOff, double[] y, int yOff, int len) {
    DoubleVector acc = DoubleVector.zero(LANES);
    int c = 0;
    for (; c < LANES.loopBound(len); c += LANES.length()) {
      acc = DoubleVector.fromArray(LANES, x, xOff + c).fma(DoubleVector.fromArray(LANES, y, yOff + c), acc);
    }
    double s = acc.reduceLanes(VectorOperators.ADD);
    for (; c < len; c++) {
      s += x[xOff + c] * y[yOff + c];
    }
    return s;
  }
}
