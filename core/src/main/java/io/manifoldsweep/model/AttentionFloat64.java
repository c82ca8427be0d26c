package io.manifoldsweep.model;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Attention} computed in double: the float64 instantiation, which the golden tests pin.
 *
 * <p>This file is also the template of {@code AttentionFloat32}: the build copies it with
 * {@code Double}, {@code double} and {@code Float64} replaced by their float counterparts (see
 * core/pom.xml), so a float32 run gets twice the SIMD lanes and no conversions while both
 * precisions share one source. Write it so that the replacement still compiles: no double
 * literals where a float would be needed, casts spelled {@code (double)}.
 *
 * <p>Reads the projections in their {@code [B*T, d]} layout (head h owns columns h*d/H ..), so no
 * head split or merge copies are made, skips the masked upper triangle, and adds the projection
 * biases to a batch element's block as it loads it. As a chain of ND4J ops (split, batched matmul,
 * mask, softmax, matmul, merge) this was 40% of a training step: the batched products of 16x32
 * blocks ran at a tenth of BLAS speed and each elementwise op was its own pass over memory.
 *
 * <p>Vectors run along a head's columns (d/H) or along key positions (T, rounded up to whole
 * vectors in the transposed block); lanes past the end are computed and never read back.
 */
final class AttentionFloat64 implements Attention {
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  private final int t;
  private final int heads;
  private final int hd;
  private final int d;
  /** T and d/H rounded up to whole vectors: the transposed block's row stride, the row buffers' length. */
  private final int tp;
  private final int hp;
  private final double scale;

  AttentionFloat64(ModelSpec spec) {
    this.t = spec.seqLen();
    this.heads = spec.heads();
    this.hd = spec.headDim();
    this.d = spec.dModel();
    this.tp = LANES.loopBound(t + LANES.length() - 1);
    this.hp = LANES.loopBound(hd + LANES.length() - 1);
    this.scale = (double) (1 / Math.sqrt(hd));
  }

  @Override
  public void forward(Projections in, INDArray att, INDArray out, int batch) {
    new ForwardPass(in, att, out).run(batch);
  }

  @Override
  public void backward(Projections in, INDArray att, INDArray dOut, Projections grads, int batch) {
    new BackwardPass(in, att, dOut, grads).run(batch);
  }

  /*
   * The passes are split into methods of a few loops each on purpose: C2 only turns Vector API
   * calls into SIMD instructions when it inlines them, and one large method runs out of inlining
   * budget and falls back to the API's boxed Java implementation, several times slower.
   */

  private final class ForwardPass {
    private final Block blk;
    private final HostView.Float64 attView;
    private final HostView.Float64 outView;
    private final double[] attBlock;
    private final double[] outRows;
    private final double[] row;

    ForwardPass(Projections in, INDArray att, INDArray out) {
      Scratch scratch = Scratch.get();
      attBlock = scratch.doubles(0, heads * t * t);
      outRows = scratch.doubles(1, t * d);
      row = scratch.doubles(2, Math.max(tp, hp));
      blk = new Block(in, scratch, 3);
      attView = HostView.Float64.view(att);
      outView = HostView.Float64.view(out);
    }

    void run(int batch) {
      for (int b = 0; b < batch; b++) {
        blk.load(b);
        blk.addBias(blk.q, blk.bq, scale);
        blk.transpose(blk.k, blk.bk);
        blk.addBias(blk.v, blk.bv, 1);
        for (int h = 0; h < heads; h++) {
          for (int i = 0; i < t; i++) {
            row(h * hd, (h * t + i) * t, i);
          }
        }
        attView.write(attBlock, 0, b * heads * t * t, heads * t * t);
        outView.write(outRows, 0, b * t * d, t * d);
      }
    }

    /** Query row i of the head at column {@code col}; its probabilities go to attBlock[a..a+t). */
    private void row(int col, int a, int i) {
      scoresRow(blk.q, i * d + col, blk.transposed, col * tp, i + 1, row);
      softmax(row, i + 1);
      System.arraycopy(row, 0, attBlock, a, t);
      weightedRows(attBlock, a, blk.v, col, 0, i + 1, 1, row);
      System.arraycopy(row, 0, outRows, i * d + col, hd);
    }
  }

  private final class BackwardPass {
    private final Block blk;
    private final Projections grads;
    private final HostView.Float64 attView;
    private final HostView.Float64 dOutView;
    private final HostView.Float64 dqView;
    private final HostView.Float64 dkView;
    private final HostView.Float64 dvView;
    private final double[] attBlock;
    private final double[] dOutRows;
    private final double[] dqRows;
    private final double[] dkRows;
    private final double[] dvRows;
    /** dS of the current head, {@code [T, T]}; only the lower triangle is written and read. */
    private final double[] dScores;
    private final double[] row;
    private final double[] sumQ = new double[d];
    private final double[] sumK = new double[d];
    private final double[] sumV = new double[d];

    BackwardPass(Projections in, INDArray att, INDArray dOut, Projections grads) {
      Scratch scratch = Scratch.get();
      attBlock = scratch.doubles(0, heads * t * t);
      dOutRows = scratch.doubles(1, t * d + LANES.length());
      dqRows = scratch.doubles(2, t * d);
      dkRows = scratch.doubles(3, t * d);
      dvRows = scratch.doubles(4, t * d);
      dScores = scratch.doubles(5, t * t);
      row = scratch.doubles(6, Math.max(tp, hp));
      blk = new Block(in, scratch, 7);
      this.grads = grads;
      attView = HostView.Float64.view(att);
      dOutView = HostView.Float64.view(dOut);
      dqView = HostView.Float64.view(grads.q());
      dkView = HostView.Float64.view(grads.k());
      dvView = HostView.Float64.view(grads.v());
    }

    void run(int batch) {
      for (int b = 0; b < batch; b++) {
        blk.load(b);
        blk.addBias(blk.q, blk.bq, 1);
        blk.addBias(blk.k, blk.bk, 1);
        blk.transpose(blk.v, blk.bv);
        attView.read(b * heads * t * t, attBlock, 0, heads * t * t);
        dOutView.read(b * t * d, dOutRows, 0, t * d);
        for (int h = 0; h < heads; h++) {
          head(h);
        }
        dqView.write(dqRows, 0, b * t * d, t * d);
        dkView.write(dkRows, 0, b * t * d, t * d);
        dvView.write(dvRows, 0, b * t * d, t * d);
        addColumnSums(dqRows, sumQ);
        addColumnSums(dkRows, sumK);
        addColumnSums(dvRows, sumV);
      }
      HostView.Float64.view(grads.bq()).writeAll(sumQ);
      HostView.Float64.view(grads.bk()).writeAll(sumK);
      HostView.Float64.view(grads.bv()).writeAll(sumV);
    }

    private void head(int h) {
      int col = h * hd;
      int a = h * t * t;
      for (int i = 0; i < t; i++) {
        softmaxBackward(col, a + i * t, i);
      }
      for (int i = 0; i < t; i++) {
        // dQ_i = sum_{j <= i} dS_ij k_j
        weightedRows(dScores, i * t, blk.k, col, 0, i + 1, 1, row);
        System.arraycopy(row, 0, dqRows, i * d + col, hd);
      }
      for (int j = 0; j < t; j++) {
        // dK_j = sum_{i >= j} dS_ij q_i and dV_j = sum_{i >= j} p_ij dOut_i: column j of dS and P
        weightedRows(dScores, j, blk.q, col, j, t, t, row);
        System.arraycopy(row, 0, dkRows, j * d + col, hd);
        weightedRows(attBlock, a + j, dOutRows, col, j, t, t, row);
        System.arraycopy(row, 0, dvRows, j * d + col, hd);
      }
    }

    /** Row i of dS = P * (dA - rowsum(P * dA)) * scale, into dScores[i*t ..], with dA_ij = dOut_i . v_j. */
    private void softmaxBackward(int col, int a, int i) {
      scoresRow(dOutRows, i * d + col, blk.transposed, col * tp, i + 1, row);
      double rowDot = 0;
      for (int j = 0; j <= i; j++) {
        rowDot += attBlock[a + j] * row[j];
      }
      for (int j = 0; j <= i; j++) {
        dScores[i * t + j] = attBlock[a + j] * (row[j] - rowDot) * scale;
      }
    }
  }

  /**
   * {@code out[0..hd) = sum_{r in [from, to)} w[wOff + r * wStride] * rows[r * d + col ..]}: a
   * weighted sum of one head's rows. Up to four vectors of the head's columns are accumulated per
   * pass over the rows, so each weight is broadcast once per pass and the FMA chains are
   * independent.
   */
  private void weightedRows(double[] w, int wOff, double[] rows, int col, int from, int to, int wStride, double[] out) {
    int step = LANES.length();
    int cb = 0;
    for (; cb + 4 * step <= hp; cb += 4 * step) {
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector a1 = DoubleVector.zero(LANES);
      DoubleVector a2 = DoubleVector.zero(LANES);
      DoubleVector a3 = DoubleVector.zero(LANES);
      for (int r = from; r < to; r++) {
        DoubleVector x = splat(w[wOff + r * wStride]);
        int o = r * d + col + cb;
        a0 = DoubleVector.fromArray(LANES, rows, o).fma(x, a0);
        a1 = DoubleVector.fromArray(LANES, rows, o + step).fma(x, a1);
        a2 = DoubleVector.fromArray(LANES, rows, o + 2 * step).fma(x, a2);
        a3 = DoubleVector.fromArray(LANES, rows, o + 3 * step).fma(x, a3);
      }
      a0.intoArray(out, cb);
      a1.intoArray(out, cb + step);
      a2.intoArray(out, cb + 2 * step);
      a3.intoArray(out, cb + 3 * step);
    }
    for (; cb < hp; cb += step) {
      DoubleVector acc = DoubleVector.zero(LANES);
      for (int r = from; r < to; r++) {
        acc = DoubleVector.fromArray(LANES, rows, r * d + col + cb).fma(splat(w[wOff + r * wStride]), acc);
      }
      acc.intoArray(out, cb);
    }
  }

  /**
   * {@code out[j] = x[xOff..xOff+hd) . yt[ytOff + c*tp + j]} for j below {@code count}: the row
   * times a transposed {@code [hd, tp]} block, as a sum of whole-vector FMAs. Four accumulators
   * (here and in weightedRows) keep four independent FMA chains in flight; with one, the loop waits
   * on FMA latency.
   */
  private void scoresRow(double[] x, int xOff, double[] yt, int ytOff, int count, double[] out) {
    for (int jb = 0; jb < count; jb += LANES.length()) {
      int base = ytOff + jb;
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector a1 = DoubleVector.zero(LANES);
      DoubleVector a2 = DoubleVector.zero(LANES);
      DoubleVector a3 = DoubleVector.zero(LANES);
      int c = 0;
      for (; c + 3 < hd; c += 4) {
        a0 = DoubleVector.fromArray(LANES, yt, base + c * tp).fma(splat(x[xOff + c]), a0);
        a1 = DoubleVector.fromArray(LANES, yt, base + (c + 1) * tp).fma(splat(x[xOff + c + 1]), a1);
        a2 = DoubleVector.fromArray(LANES, yt, base + (c + 2) * tp).fma(splat(x[xOff + c + 2]), a2);
        a3 = DoubleVector.fromArray(LANES, yt, base + (c + 3) * tp).fma(splat(x[xOff + c + 3]), a3);
      }
      for (; c < hd; c++) {
        a0 = DoubleVector.fromArray(LANES, yt, base + c * tp).fma(splat(x[xOff + c]), a0);
      }
      a0.add(a1).add(a2.add(a3)).intoArray(out, jb);
    }
  }

  private static DoubleVector splat(double x) {
    return DoubleVector.broadcast(LANES, x);
  }

  /**
   * Softmax of {@code row[0..count)} in place, zeros from count to tp (the causal mask). The
   * exponentials are scalar Math.exp on purpose: the Vector API's EXP is the SVML routine once C2
   * compiles the loop and Math.exp before, and the two differ in the last bit, so a run's first
   * steps (and every cell on a fresh executor) would not be reproducible. The maximum, a lanewise
   * exact operation, and the scaling are taken a vector at a time.
   */
  private void softmax(double[] row, int count) {
    Arrays.fill(row, count, tp, Double.NEGATIVE_INFINITY);
    DoubleVector max = DoubleVector.fromArray(LANES, row, 0);
    for (int jb = LANES.length(); jb < tp; jb += LANES.length()) {
      max = max.max(DoubleVector.fromArray(LANES, row, jb));
    }
    double shift = max.reduceLanes(VectorOperators.MAX);
    double sum = 0;
    for (int j = 0; j < count; j++) {
      row[j] = (double) Math.exp(row[j] - shift);
      sum += row[j];
    }
    Arrays.fill(row, count, tp, 0);
    DoubleVector inv = splat(1 / sum);
    for (int jb = 0; jb < count; jb += LANES.length()) {
      DoubleVector.fromArray(LANES, row, jb).mul(inv).intoArray(row, jb);
    }
  }

  private void addColumnSums(double[] rows, double[] sums) {
    int bound = LANES.loopBound(d);
    for (int r = 0; r < t; r++) {
      int c = 0;
      for (; c < bound; c += LANES.length()) {
        DoubleVector.fromArray(LANES, rows, r * d + c).add(DoubleVector.fromArray(LANES, sums, c)).intoArray(sums, c);
      }
      for (; c < d; c++) {
        sums[c] += rows[r * d + c];
      }
    }
  }

  /**
   * One batch element's q, k, v rows, biases added in place, and one of them transposed to
   * {@code [d, tp]}. Rows carry a vector of slack at the end so a head's last vector load may run
   * past column d when d/H is not a whole number of vectors; those lanes (like the transposed
   * block's lanes past T) hold whatever the scratch held, are computed and dropped.
   */
  private final class Block {
    final double[] q;
    final double[] k;
    final double[] v;
    final double[] transposed;
    final double[] bq;
    final double[] bk;
    final double[] bv;
    private final HostView.Float64 qView;
    private final HostView.Float64 kView;
    private final HostView.Float64 vView;

    /** Takes its seven buffers from {@code scratch} slots {@code firstSlot ..}. */
    Block(Projections in, Scratch scratch, int firstSlot) {
      q = scratch.doubles(firstSlot, t * d + LANES.length());
      k = scratch.doubles(firstSlot + 1, t * d + LANES.length());
      v = scratch.doubles(firstSlot + 2, t * d + LANES.length());
      transposed = scratch.doubles(firstSlot + 3, d * tp);
      qView = HostView.Float64.view(in.q());
      kView = HostView.Float64.view(in.k());
      vView = HostView.Float64.view(in.v());
      bq = scratch.doubles(firstSlot + 4, d);
      bk = scratch.doubles(firstSlot + 5, d);
      bv = scratch.doubles(firstSlot + 6, d);
      HostView.Float64.view(in.bq()).readAll(bq);
      HostView.Float64.view(in.bk()).readAll(bk);
      HostView.Float64.view(in.bv()).readAll(bv);
    }

    void load(int b) {
      qView.read(b * t * d, q, 0, t * d);
      kView.read(b * t * d, k, 0, t * d);
      vView.read(b * t * d, v, 0, t * d);
    }

    /** {@code rows = (rows + bias) * factor}. */
    void addBias(double[] rows, double[] bias, double factor) {
      int bound = LANES.loopBound(d);
      for (int r = 0; r < t; r++) {
        int o = r * d;
        int c = 0;
        for (; c < bound; c += LANES.length()) {
          DoubleVector.fromArray(LANES, rows, o + c).add(DoubleVector.fromArray(LANES, bias, c)).mul(factor).intoArray(rows, o + c);
        }
        for (; c < d; c++) {
          rows[o + c] = (rows[o + c] + bias[c]) * factor;
        }
      }
    }

    /** {@code transposed[c * tp + r] = rows[r * d + c] + bias[c]}. */
    void transpose(double[] rows, double[] bias) {
      for (int r = 0; r < t; r++) {
        for (int c = 0; c < d; c++) {
          transposed[c * tp + r] = rows[r * d + c] + bias[c];
        }
      }
    }
  }
}
