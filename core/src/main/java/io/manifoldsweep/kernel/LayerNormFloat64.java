package io.manifoldsweep.kernel;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link LayerNorm} computed in double; like {@link AttentionFloat64} it is also the template of a
 * generated float instantiation, {@code LayerNormFloat32} (see KernelTwins in the core tests), so
 * it must compile with double replaced by float, and its other comments stay true.
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
    double[] rs = scratch.doubles(3, BLOCK_ROWS);
    double[] two = scratch.doubles(4, 4);
    double[] lanes = scratch.doubles(5, 2 * LANES.length());
    HostView.Float64.view(gamma).readAll(g);
    HostView.Float64.view(beta).readAll(bt);
    for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      int n = Math.min(BLOCK_ROWS, rows - r0);
      xView.read(r0 * d, buf, 0, n * d);
      xhatView.writing(r0 * d, n * d);
      outView.writing(r0 * d, n * d);
      int r = 0;
      for (; r + 1 < n; r += 2) {
        normalizeRowPair(buf, r * d, d, g, bt, xhatView, outView, (r0 + r) * d, two, lanes);
        rs[r] = two[0];
        rs[r + 1] = two[1];
      }
      if (r < n) {
        rs[r] = normalizeRow(buf, r * d, d, g, bt, xhatView, outView, (r0 + r) * d, lanes);
      }
      rstdView.write(rs, 0, r0, n);
    }
    cacheOut[0] = new LayerNorm.Cache(xhat, rstd);
    return out;
  }

  /** See {@link LayerNorm#addBackward}. */
  static void addBackward(
      INDArray dy,
      LayerNorm.Cache cache,
      INDArray gamma,
      INDArray dGamma,
      INDArray dBeta,
      INDArray dx) {
    int rows = Math.toIntExact(dy.size(0));
    int d = Math.toIntExact(dy.size(1));
    HostView.Float64 dyView = HostView.Float64.view(dy);
    HostView.Float64 xhatView = HostView.Float64.view(cache.xhat());
    HostView.Float64 dxView = HostView.Float64.view(dx);
    HostView.Float64 rstdView = HostView.Float64.view(cache.rstd());
    Scratch scratch = Scratch.get();
    double[] g = scratch.doubles(0, d);
    double[] rs = scratch.doubles(1, BLOCK_ROWS);
    double[] xh = scratch.doubles(2, 2 * d);
    double[] dxh = scratch.doubles(3, d);
    HostView.Float64.view(gamma).readAll(g);
    double[] sumGamma = scratch.doubles(4, d);
    double[] sumBeta = scratch.doubles(5, d);
    double[] dxh2 = scratch.doubles(6, d);
    double[] means = scratch.doubles(7, 4);
    double[] lanes = scratch.doubles(8, 2 * LANES.length());
    double[] acc = scratch.doubles(9, BLOCK_ROWS * d);
    Arrays.fill(sumGamma, 0, d, 0);
    Arrays.fill(sumBeta, 0, d, 0);
    for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      int n = Math.min(BLOCK_ROWS, rows - r0);
      dyView.reading(r0 * d, n * d);
      xhatView.reading(r0 * d, n * d);
      dxView.read(r0 * d, acc, 0, n * d);
      rstdView.read(r0, rs, 0, n);
      int r = 0;
      for (; r + 1 < n; r += 2) {
        backwardRowPair(
            dyView,
            xhatView,
            (r0 + r) * d,
            d,
            g,
            rs[r],
            rs[r + 1],
            xh,
            dxh,
            dxh2,
            sumGamma,
            sumBeta,
            means,
            acc,
            r * d,
            lanes);
      }
      if (r < n) {
        backwardRow(
            dyView,
            xhatView,
            (r0 + r) * d,
            d,
            g,
            rs[r],
            xh,
            dxh,
            sumGamma,
            sumBeta,
            acc,
            r * d,
            lanes);
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

  /**
   * Normalises {@code x[o..o+d)}, centring it in place, and stores xhat and gamma*xhat+beta at
   * element {@code at} of {@code xhat} and {@code y}; returns 1/std. The two go straight to ND4J's
   * memory: through a heap block and a bulk copy they cost a pass more each.
   */
  private static double normalizeRow(
      double[] x,
      int o,
      int d,
      double[] g,
      double[] bt,
      HostView.Float64 xhat,
      HostView.Float64 y,
      int at,
      double[] lanes) {
    int bound = LANES.loopBound(d);
    double mean = sum(x, o, d, lanes) / d;
    int c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector.fromArray(LANES, x, o + c).sub(mean).intoArray(x, o + c);
    }
    for (; c < d; c++) {
      x[o + c] -= mean;
    }
    double inv = (double) (1 / Math.sqrt(dot(x, o, x, o, d, lanes) / d + LayerNorm.EPS));
    c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector xh = DoubleVector.fromArray(LANES, x, o + c).mul(inv);
      xhat.store(xh, at + c);
      y.store(
          xh.fma(DoubleVector.fromArray(LANES, g, c), DoubleVector.fromArray(LANES, bt, c)),
          at + c);
    }
    for (; c < d; c++) {
      double xh = x[o + c] * inv;
      xhat.set(at + c, xh);
      y.set(at + c, xh * g[c] + bt[c]);
    }
    return inv;
  }

  /**
   * {@link #normalizeRow} of rows {@code o} and {@code o + d} at once, their 1/std into {@code
   * two[0..2)}: a row's sums are chains of dependent adds, and two rows' chains interleave where
   * one row's waited on add latency. Each row's arithmetic is normalizeRow's.
   */
  private static void normalizeRowPair(
      double[] x,
      int o,
      int d,
      double[] g,
      double[] bt,
      HostView.Float64 xhat,
      HostView.Float64 y,
      int at,
      double[] two,
      double[] lanes) {
    int o2 = o + d;
    int bound = LANES.loopBound(d);
    sumPair(x, o, x, o2, d, two, lanes);
    double mean = two[0] / d;
    double mean2 = two[1] / d;
    int c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector.fromArray(LANES, x, o + c).sub(mean).intoArray(x, o + c);
      DoubleVector.fromArray(LANES, x, o2 + c).sub(mean2).intoArray(x, o2 + c);
    }
    for (; c < d; c++) {
      x[o + c] -= mean;
      x[o2 + c] -= mean2;
    }
    dotPair(x, o, x, o, x, o2, x, o2, d, two, 0, lanes);
    double in1 = (double) (1 / Math.sqrt(two[0] / d + LayerNorm.EPS));
    double in2 = (double) (1 / Math.sqrt(two[1] / d + LayerNorm.EPS));
    c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector gc = DoubleVector.fromArray(LANES, g, c);
      DoubleVector bc = DoubleVector.fromArray(LANES, bt, c);
      DoubleVector xh = DoubleVector.fromArray(LANES, x, o + c).mul(in1);
      xhat.store(xh, at + c);
      y.store(xh.fma(gc, bc), at + c);
      DoubleVector xh2 = DoubleVector.fromArray(LANES, x, o2 + c).mul(in2);
      xhat.store(xh2, at + d + c);
      y.store(xh2.fma(gc, bc), at + d + c);
    }
    for (; c < d; c++) {
      double xh = x[o + c] * in1;
      xhat.set(at + c, xh);
      y.set(at + c, xh * g[c] + bt[c]);
      double xh2 = x[o2 + c] * in2;
      xhat.set(at + d + c, xh2);
      y.set(at + d + c, xh2 * g[c] + bt[c]);
    }
    two[0] = in1;
    two[1] = in2;
  }

  /**
   * {@link #backwardRow} of the rows at elements {@code at} and {@code at + d} at once, in that
   * order into the dgamma and dbeta sums; their four row sums run as interleaved chains. {@code xh}
   * (two rows), {@code dxh}, {@code dxh2} and {@code means} (four) are scratch.
   */
  private static void backwardRowPair(
      HostView.Float64 dy,
      HostView.Float64 xhat,
      int at,
      int d,
      double[] g,
      double inv,
      double inv2,
      double[] xh,
      double[] dxh,
      double[] dxh2,
      double[] sumGamma,
      double[] sumBeta,
      double[] means,
      double[] dx,
      int ao,
      double[] lanes) {
    int at2 = at + d;
    int bound = LANES.loopBound(d);
    int c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector gc = DoubleVector.fromArray(LANES, g, c);
      DoubleVector dyc = dy.load(LANES, at + c);
      DoubleVector dyc2 = dy.load(LANES, at2 + c);
      DoubleVector xhc = xhat.load(LANES, at + c);
      DoubleVector xhc2 = xhat.load(LANES, at2 + c);
      xhc.intoArray(xh, c);
      xhc2.intoArray(xh, d + c);
      DoubleVector sg = dyc.fma(xhc, DoubleVector.fromArray(LANES, sumGamma, c));
      dyc2.fma(xhc2, sg).intoArray(sumGamma, c);
      dyc.add(DoubleVector.fromArray(LANES, sumBeta, c)).add(dyc2).intoArray(sumBeta, c);
      dyc.mul(gc).intoArray(dxh, c);
      dyc2.mul(gc).intoArray(dxh2, c);
    }
    for (; c < d; c++) {
      double dyc = dy.get(at + c);
      double dyc2 = dy.get(at2 + c);
      xh[c] = xhat.get(at + c);
      xh[d + c] = xhat.get(at2 + c);
      sumGamma[c] += dyc * xh[c];
      sumBeta[c] += dyc;
      dxh[c] = dyc * g[c];
      sumGamma[c] += dyc2 * xh[d + c];
      sumBeta[c] += dyc2;
      dxh2[c] = dyc2 * g[c];
    }
    sumPair(dxh, 0, dxh2, 0, d, means, lanes);
    dotPair(dxh, 0, xh, 0, dxh2, 0, xh, d, d, means, 2, lanes);
    addRowGradient(dxh, xh, 0, d, means[0] / d, means[2] / d, inv, dx, ao);
    addRowGradient(dxh2, xh, d, d, means[1] / d, means[3] / d, inv2, dx, ao + d);
  }

  /**
   * One row's backward, on the row at element {@code at}: accumulates dgamma and dbeta and adds dx
   * into {@code dx}. The row's xhat is loaded once, into {@code xh}, for the two passes after.
   */
  private static void backwardRow(
      HostView.Float64 dy,
      HostView.Float64 xhat,
      int at,
      int d,
      double[] g,
      double inv,
      double[] xh,
      double[] dxh,
      double[] sumGamma,
      double[] sumBeta,
      double[] dx,
      int ao,
      double[] lanes) {
    int bound = LANES.loopBound(d);
    int c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector dyc = dy.load(LANES, at + c);
      DoubleVector xhc = xhat.load(LANES, at + c);
      xhc.intoArray(xh, c);
      dyc.fma(xhc, DoubleVector.fromArray(LANES, sumGamma, c)).intoArray(sumGamma, c);
      dyc.add(DoubleVector.fromArray(LANES, sumBeta, c)).intoArray(sumBeta, c);
      dyc.mul(DoubleVector.fromArray(LANES, g, c)).intoArray(dxh, c);
    }
    for (; c < d; c++) {
      double dyc = dy.get(at + c);
      xh[c] = xhat.get(at + c);
      sumGamma[c] += dyc * xh[c];
      sumBeta[c] += dyc;
      dxh[c] = dyc * g[c];
    }
    addRowGradient(
        dxh, xh, 0, d, sum(dxh, 0, d, lanes) / d, dot(dxh, 0, xh, 0, d, lanes) / d, inv, dx, ao);
  }

  /** {@code dx[at..at+d) += (dxh - meanD - xh * meanDX) * inv}: a row's dx from its means. */
  private static void addRowGradient(
      double[] dxh,
      double[] xh,
      int o,
      int d,
      double meanD,
      double meanDX,
      double inv,
      double[] dx,
      int at) {
    int bound = LANES.loopBound(d);
    DoubleVector invV = DoubleVector.broadcast(LANES, inv);
    int c = 0;
    for (; c < bound; c += LANES.length()) {
      DoubleVector xhc = DoubleVector.fromArray(LANES, xh, o + c);
      DoubleVector.fromArray(LANES, dxh, c)
          .sub(meanD)
          .sub(xhc.mul(meanDX))
          .fma(invV, DoubleVector.fromArray(LANES, dx, at + c))
          .intoArray(dx, at + c);
    }
    for (; c < d; c++) {
      dx[at + c] += (dxh[c] - meanD - xh[o + c] * meanDX) * inv;
    }
  }

  /**
   * Row sums with a vector of partial sums. A scalar sum is one chain of dependent adds, bound by
   * add latency, and C2 does not vectorize it (it would reorder the additions); it made LayerNorm
   * cost as much as a projection gemm.
   */
  private static double sum(double[] x, int off, int len, double[] lanes) {
    DoubleVector acc = DoubleVector.zero(LANES);
    int c = 0;
    for (; c < LANES.loopBound(len); c += LANES.length()) {
      acc = acc.add(DoubleVector.fromArray(LANES, x, off + c));
    }
    double s = sumLanes(acc, lanes);
    for (; c < len; c++) {
      s += x[off + c];
    }
    return s;
  }

  /** {@link #sum} of two ranges at once into {@code out[0]}, {@code out[1]}. */
  private static void sumPair(
      double[] x, int off, double[] x2, int off2, int len, double[] out, double[] lanes) {
    DoubleVector acc = DoubleVector.zero(LANES);
    DoubleVector acc2 = DoubleVector.zero(LANES);
    int c = 0;
    for (; c < LANES.loopBound(len); c += LANES.length()) {
      acc = acc.add(DoubleVector.fromArray(LANES, x, off + c));
      acc2 = acc2.add(DoubleVector.fromArray(LANES, x2, off2 + c));
    }
    sumLanes(acc, acc2, lanes, out, 0);
    for (; c < len; c++) {
      out[0] += x[off + c];
      out[1] += x2[off2 + c];
    }
  }

  /** {@link #dot} of x.y and x2.y2 at once into {@code out[at]}, {@code out[at + 1]}. */
  private static void dotPair(
      double[] x,
      int xOff,
      double[] y,
      int yOff,
      double[] x2,
      int xOff2,
      double[] y2,
      int yOff2,
      int len,
      double[] out,
      int at,
      double[] lanes) {
    DoubleVector acc = DoubleVector.zero(LANES);
    DoubleVector acc2 = DoubleVector.zero(LANES);
    int c = 0;
    for (; c < LANES.loopBound(len); c += LANES.length()) {
      acc =
          DoubleVector.fromArray(LANES, x, xOff + c)
              .fma(DoubleVector.fromArray(LANES, y, yOff + c), acc);
      acc2 =
          DoubleVector.fromArray(LANES, x2, xOff2 + c)
              .fma(DoubleVector.fromArray(LANES, y2, yOff2 + c), acc2);
    }
    sumLanes(acc, acc2, lanes, out, at);
    for (; c < len; c++) {
      out[at] += x[xOff + c] * y[yOff + c];
      out[at + 1] += x2[xOff2 + c] * y2[yOff2 + c];
    }
  }

  private static double dot(double[] x, int xOff, double[] y, int yOff, int len, double[] lanes) {
    DoubleVector acc = DoubleVector.zero(LANES);
    int c = 0;
    for (; c < LANES.loopBound(len); c += LANES.length()) {
      acc =
          DoubleVector.fromArray(LANES, x, xOff + c)
              .fma(DoubleVector.fromArray(LANES, y, yOff + c), acc);
    }
    double s = sumLanes(acc, lanes);
    for (; c < len; c++) {
      s += x[xOff + c] * y[yOff + c];
    }
    return s;
  }

  /**
   * The lanes of {@code v} added from lane 0 up, through {@code lanes} (a vector long or more). Not
   * {@code reduceLanes(ADD)}: the Vector API leaves that order open, and while JDK 17 compiles it
   * in lane order, as the interpreter adds, JDK 25 compiles a double sum as a tree, so the steps a
   * run took before C2 reached this code rounded differently from those after and a seed's losses
   * changed from run to run.
   */
  private static double sumLanes(DoubleVector v, double[] lanes) {
    v.intoArray(lanes, 0);
    double s = 0;
    for (int l = 0; l < LANES.length(); l++) {
      s += lanes[l];
    }
    return s;
  }

  /**
   * {@link #sumLanes} of {@code v} into {@code out[at]} and of {@code v2} into {@code out[at + 1]},
   * through {@code lanes} (two vectors long): the two chains of adds interleave, where one after
   * the other each waited on add latency (a sixth more LayerNorm time than the JDK 17 reduction
   * took).
   */
  private static void sumLanes(
      DoubleVector v, DoubleVector v2, double[] lanes, double[] out, int at) {
    int n = LANES.length();
    v.intoArray(lanes, 0);
    v2.intoArray(lanes, n);
    double s = 0;
    double s2 = 0;
    for (int l = 0; l < n; l++) {
      s += lanes[l];
      s2 += lanes[n + l];
    }
    out[at] = s;
    out[at + 1] = s2;
  }
}
