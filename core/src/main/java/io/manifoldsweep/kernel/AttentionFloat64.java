package io.manifoldsweep.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Attention} computed in double: the float64 instantiation, which the golden tests pin.
 *
 * <p>This file is also the template of {@code AttentionFloat32}, which KernelTwins (in the core
 * tests) generates from it with {@code Double}, {@code double}, {@code Float64} and {@code AsLongs}
 * replaced by their float counterparts, so a float32 run gets twice the SIMD lanes and no
 * conversions while both precisions share one source. Write it so that the replacement still
 * compiles (no double literals where a float would be needed, casts spelled {@code (double)}) and
 * every comment but this one stays true after it.
 *
 * <p>Reads the projections in their {@code [B*T, d]} layout (head h owns columns h*d/H ..), so no
 * head split or merge copies are made, and skips the masked upper triangle. The projections come
 * with their biases added, by one rank-one update per projection and layer in {@link
 * io.manifoldsweep.model.Transformer}: added here, to each batch element's block as it was loaded,
 * they took five extra passes over it (the backward pass added them again), about 1.2 ms of a
 * canonical step on a Zen 4 EPYC. As a chain of ND4J ops (split, batched matmul, mask, softmax,
 * matmul, merge) this was 40% of a training step: the batched products of 16x32 blocks ran at a
 * tenth of BLAS speed and each elementwise op was its own pass over memory.
 *
 * <p>Vectors run along a head's columns (d/H) or along key positions (T, rounded up to whole
 * vectors in the transposed block); lanes past the end are computed and never read back.
 */
final class AttentionFloat64 implements Attention {
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  /** Columns per in-register transpose: 16 vectors, whatever their length. */
  private static final int TILE_COLUMNS = 16;

  /*
   * The butterfly of stage s (s < N): lane l of the low output takes the low input's lane l where
   * bit s of l is clear and the high input's lane l - s where it is set; the high output takes the
   * low input's lane l + s where it is clear and the high input's lane l where it is set.
   */
  private static final VectorShuffle<Double> DOWN1 = rotation(-1);
  private static final VectorShuffle<Double> DOWN2 = rotation(-2);
  private static final VectorShuffle<Double> DOWN4 = rotation(-4);
  private static final VectorShuffle<Double> DOWN8 = rotation(-8);
  private static final VectorShuffle<Double> UP1 = rotation(1);
  private static final VectorShuffle<Double> UP2 = rotation(2);
  private static final VectorShuffle<Double> UP4 = rotation(4);
  private static final VectorShuffle<Double> UP8 = rotation(8);
  private static final VectorMask<Double> HIGH1 = lanesWithBit(1);
  private static final VectorMask<Double> HIGH2 = lanesWithBit(2);
  private static final VectorMask<Double> HIGH4 = lanesWithBit(4);
  private static final VectorMask<Double> HIGH8 = lanesWithBit(8);

  /**
   * Lane l holds l: the query index of each lane of a vector of queries, less the vector's first.
   */
  private static final double[] IOTA = lanes();

  private final int t;
  private final boolean causal;

  /** Keys the readout query sees: up to its own position under the causal mask, else all T. */
  private final int readoutKeys;

  private final int heads;
  private final int hd;
  private final int d;

  /**
   * T and d/H rounded up to whole vectors: row stride of transposed blocks and scores; head rows'
   * length.
   */
  private final int tp;

  private final int hp;
  private final double scale;

  AttentionFloat64(Attention.Shape spec) {
    this.t = spec.seqLen();
    this.causal = spec.causal();
    this.readoutKeys = spec.readoutKeys();
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
  public void backward(Projections in, INDArray att, INDArray dOut, Gradients grads, int batch) {
    new BackwardPass(in, att, dOut, grads).run(batch);
  }

  /**
   * One query row per sequence: T dot products and a weighted sum of T rows per head, a few percent
   * of the full kernel's work. The dot products run with the keys as lanes, on the keys transposed,
   * and the exponential is {@link #exp}'s, a vector of keys at a time: with a scalar dot product
   * and a StrictMath.exp per key this kernel took over half the full one's time.
   */
  @Override
  public void forwardReadoutQuery(Projections in, INDArray att, INDArray out, int batch) {
    Scratch scratch = Scratch.get();
    LastQueryBlock blk = new LastQueryBlock(in, scratch, scale);
    double[] p = scratch.doubles(6, heads * t);
    double[] o = scratch.doubles(7, d);
    double[] row = scratch.doubles(8, hp);
    double[] keyLanes = scratch.doubles(9, tp);
    HostView.Float64 attView = HostView.Float64.view(att);
    HostView.Float64 outView = HostView.Float64.view(out);
    for (int b = 0; b < batch; b++) {
      blk.load(b);
      transpose(blk.k, 1, blk.transposed);
      for (int h = 0; h < heads; h++) {
        int col = h * hd;
        keyDots(blk.q, blk.transposed, col, keyLanes);
        softmaxLanes(keyLanes, p, h * t);
        weightedRows(p, h * t, 1, blk.v, col, t, row);
        System.arraycopy(row, 0, o, col, hd);
      }
      attView.write(p, 0, b * heads * t, heads * t);
      outView.write(o, 0, b * d, d);
    }
  }

  /**
   * The backward of {@link #forwardReadoutQuery}: per head, dA_j = dOut . v_j, dS_j = P_j (dA_j -
   * sum_i P_i dA_i) scale, dq = sum_j dS_j k_j, dk_j = dS_j q, dv_j = P_j dOut.
   */
  @Override
  public void backwardReadoutQuery(
      Projections in, INDArray att, INDArray dOut, Gradients grads, int batch) {
    Scratch scratch = Scratch.get();
    LastQueryBlock blk = new LastQueryBlock(in, scratch, 1);
    double[] q = blk.q;
    double[] k = blk.k;
    double[] p = scratch.doubles(6, heads * t);
    double[] g = scratch.doubles(7, d);
    double[] dq = scratch.doubles(8, d);
    double[] dk = scratch.doubles(9, t * d);
    double[] dv = scratch.doubles(10, t * d);
    double[] ds = scratch.doubles(11, tp);
    double[] row = scratch.doubles(12, hp);
    double[] sumQ = new double[d];
    double[] sumK = new double[d];
    double[] sumV = new double[d];
    HostView.Float64 attView = HostView.Float64.view(att);
    HostView.Float64 dOutView = HostView.Float64.view(dOut);
    HostView.Float64 dqView = HostView.Float64.view(grads.q());
    HostView.Float64 dkView = HostView.Float64.view(grads.k());
    HostView.Float64 dvView = HostView.Float64.view(grads.v());
    for (int b = 0; b < batch; b++) {
      blk.load(b);
      transpose(blk.v, 1, blk.transposed);
      attView.read(b * heads * t, p, 0, heads * t);
      dOutView.read(b * d, g, 0, d);
      for (int h = 0; h < heads; h++) {
        int col = h * hd;
        keyDots(g, blk.transposed, col, ds);
        double rowDot = 0;
        for (int j = 0; j < t; j++) {
          rowDot += p[h * t + j] * ds[j];
        }
        for (int j = 0; j < t; j++) {
          ds[j] = p[h * t + j] * (ds[j] - rowDot) * scale;
        }
        weightedRows(ds, 0, 1, k, col, t, row);
        System.arraycopy(row, 0, dq, col, hd);
        for (int j = 0; j < t; j++) {
          scaled(q, col, ds[j], dk, j * d + col);
          scaled(g, col, p[h * t + j], dv, j * d + col);
        }
      }
      dqView.write(dq, 0, b * d, d);
      dkView.write(dk, 0, b * t * d, t * d);
      dvView.write(dv, 0, b * t * d, t * d);
      for (int c = 0; c < d; c++) {
        sumQ[c] += dq[c];
      }
      addColumnSums(dk, sumK);
      addColumnSums(dv, sumV);
    }
    HostView.Float64.view(grads.bq()).writeAll(sumQ);
    HostView.Float64.view(grads.bk()).writeAll(sumK);
    HostView.Float64.view(grads.bv()).writeAll(sumV);
  }

  /**
   * {@code p[pOff + j]} for j < T, the softmax of the scores {@code s[0 .. K)} of the K keys the
   * readout query sees, zero for the keys it does not; s's lanes become their exponentials.
   */
  private void softmaxLanes(double[] s, double[] p, int pOff) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < readoutKeys; j++) {
      max = Math.max(max, s[j]);
    }
    for (int jb = 0; jb < tp; jb += LANES.length()) {
      ExpFloat64.exp(DoubleVector.fromArray(LANES, s, jb).sub(max)).intoArray(s, jb);
    }
    double sum = 0;
    for (int j = 0; j < readoutKeys; j++) {
      sum += s[j];
    }
    for (int j = 0; j < t; j++) {
      p[pOff + j] = j < readoutKeys ? s[j] / sum : 0;
    }
  }

  /**
   * {@code out[j] = x[col ..] . row_j[col ..]} over one head's columns for every key j < tp, with
   * the rows given transposed in {@code rowsT [d, tp]}: a vector of keys per FMA, even and odd
   * columns in two chains. Lanes past T hold whatever the transposed block's padding gives.
   */
  private void keyDots(double[] x, double[] rowsT, int col, double[] out) {
    for (int jb = 0; jb < tp; jb += LANES.length()) {
      DoubleVector even = DoubleVector.zero(LANES);
      DoubleVector odd = DoubleVector.zero(LANES);
      int c = col;
      for (; c + 1 < col + hd; c += 2) {
        even = DoubleVector.fromArray(LANES, rowsT, c * tp + jb).fma(splat(x[c]), even);
        odd = DoubleVector.fromArray(LANES, rowsT, (c + 1) * tp + jb).fma(splat(x[c + 1]), odd);
      }
      if (c < col + hd) {
        even = DoubleVector.fromArray(LANES, rowsT, c * tp + jb).fma(splat(x[c]), even);
      }
      even.add(odd).intoArray(out, jb);
    }
  }

  /** {@code out[to ..] = w * x[from ..]} over one head's columns, and not past them. */
  private void scaled(double[] x, int from, double w, double[] out, int to) {
    int c = 0;
    for (; c < LANES.loopBound(hd); c += LANES.length()) {
      DoubleVector.fromArray(LANES, x, from + c).mul(w).intoArray(out, to + c);
    }
    for (; c < hd; c++) {
      out[to + c] = w * x[from + c];
    }
  }

  /*
   * The passes are split into methods of a few loops each on purpose: C2 only turns Vector API
   * calls into SIMD instructions when it inlines them, and one large method runs out of inlining
   * budget and falls back to the API's boxed Java implementation, several times slower.
   */

  /*
   * Both passes hold a head's T x T matrices (scores, probabilities, their gradients) transposed,
   * key j by query i, {@code [T, tp]}: the softmax over keys and its backward then run down whole
   * vectors of queries, with no reduction across lanes (those cost the row-wise softmax a third of
   * the forward kernel's time). The products that make them, S^T = K Q^T and dA^T = V dOut^T, read
   * the transposed queries and output gradients; every sum keeps the order of the row-wise kernel
   * it replaced, so the results are the same bits.
   */

  private final class ForwardPass {
    private final Block blk;
    private final HostView.Float64 attView;
    private final HostView.Float64 outView;
    private final double[] attBlock;
    private final double[] outRows;
    private final double[] row;
    private final double[] row2;
    private final double[] row3;
    private final double[] row4;

    /** The current head's scores S^T {@code [T, tp]}, turned into probabilities P^T in place. */
    private final double[] scores;

    ForwardPass(Projections in, INDArray att, INDArray out) {
      Scratch scratch = Scratch.get();
      attBlock = scratch.doubles(0, heads * t * t);
      outRows = scratch.doubles(1, t * d);
      row = scratch.doubles(2, hp);
      scores = scratch.doubles(3, rowsPadded() * tp);
      row2 = scratch.doubles(4, hp);
      blk = new Block(in, scratch, 5);
      row3 = scratch.doubles(12, hp);
      row4 = scratch.doubles(13, hp);
      attView = HostView.Float64.view(att);
      outView = HostView.Float64.view(out);
    }

    void run(int batch) {
      for (int b = 0; b < batch; b++) {
        blk.load(b);
        transpose(blk.q, scale, blk.transposed);
        for (int h = 0; h < heads; h++) {
          head(h);
        }
        attView.write(attBlock, 0, b * heads * t * t, heads * t * t);
        outView.write(outRows, 0, b * t * d, t * d);
      }
    }

    private void head(int h) {
      int col = h * hd;
      allScores(blk.k, blk.transposed, col, scores);
      softmaxColumns(scores);
      for (int j = 0; j < t; j++) {
        System.arraycopy(scores, j * tp, attBlock, (h * t + j) * t, t);
      }
      products(scores, blk.v, col, outRows, row, row2, row3, row4);
    }
  }

  private final class BackwardPass {
    private final Block blk;
    private final Gradients grads;
    private final HostView.Float64 attView;
    private final HostView.Float64 dOutView;
    private final HostView.Float64 dqView;
    private final HostView.Float64 dkView;
    private final HostView.Float64 dvView;

    /** P^T of every head, {@code [H, T, T]}, and a vector of slack for the last row's loads. */
    private final double[] attBlock;

    private final double[] dOutRows;
    private final double[] dqRows;
    private final double[] dkRows;
    private final double[] dvRows;

    /** dS^T of the current head, {@code [T, tp]}. */
    private final double[] dScores;

    private final double[] row;
    private final double[] row2;
    private final double[] row3;
    private final double[] row4;

    /**
     * dA^T of the current head, {@code [T, tp]}: dA_ij = dOut_i . v_j at key row j, query lane i.
     */
    private final double[] dA;

    private final double[] sumQ = new double[d];
    private final double[] sumK = new double[d];
    private final double[] sumV = new double[d];

    BackwardPass(Projections in, INDArray att, INDArray dOut, Gradients grads) {
      Scratch scratch = Scratch.get();
      attBlock = scratch.doubles(0, heads * t * t + LANES.length());
      dOutRows = scratch.doubles(1, tp * d + LANES.length());
      dqRows = scratch.doubles(2, t * d);
      dkRows = scratch.doubles(3, t * d);
      dvRows = scratch.doubles(4, t * d);
      dScores = scratch.doubles(5, t * tp);
      row = scratch.doubles(6, hp);
      row2 = scratch.doubles(7, hp);
      blk = new Block(in, scratch, 8);
      dA = scratch.doubles(15, rowsPadded() * tp);
      row3 = scratch.doubles(16, hp);
      row4 = scratch.doubles(17, hp);
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
        attView.read(b * heads * t * t, attBlock, 0, heads * t * t);
        dOutView.read(b * t * d, dOutRows, 0, t * d);
        transpose(dOutRows, 1, blk.transposed);
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
      allScores(blk.v, blk.transposed, col, dA);
      for (int ib = 0; ib < tp; ib += LANES.length()) {
        softmaxBackward(a, ib);
      }
      // dQ_i = sum_{j <= i} dS_ij k_j (every j without the causal mask)
      products(dScores, blk.k, col, dqRows, row, row2, row3, row4);
      int j = 0;
      for (; causal && j + 1 < t; j += 2) {
        keyGradientPair(col, a, j);
        System.arraycopy(row, 0, dkRows, j * d + col, hd);
        System.arraycopy(row2, 0, dvRows, j * d + col, hd);
        System.arraycopy(row3, 0, dkRows, (j + 1) * d + col, hd);
        System.arraycopy(row4, 0, dvRows, (j + 1) * d + col, hd);
      }
      for (; j < t; j++) {
        keyGradients(col, a, j);
        System.arraycopy(row, 0, dkRows, j * d + col, hd);
        System.arraycopy(row2, 0, dvRows, j * d + col, hd);
      }
    }

    /**
     * dK_j = sum_{i >= j} dS_ij q_i into {@code row} and dV_j = sum_{i >= j} P_ij dOut_i into
     * {@code row2}: row j of dS^T and of P^T as weights. Both sums, on two column vectors at a
     * time, share one pass over i so that four FMA chains overlap; one sum per pass waited on FMA
     * latency.
     */
    private void keyGradients(int col, int a, int j) {
      int step = LANES.length();
      int cb = 0;
      for (; cb + 2 * step <= hp; cb += 2 * step) {
        DoubleVector k0 = DoubleVector.zero(LANES);
        DoubleVector k1 = DoubleVector.zero(LANES);
        DoubleVector v0 = DoubleVector.zero(LANES);
        DoubleVector v1 = DoubleVector.zero(LANES);
        for (int i = firstQuery(j); i < t; i++) {
          int o = i * d + col + cb;
          DoubleVector ds = splat(dScores[j * tp + i]);
          DoubleVector p = splat(attBlock[a + j * t + i]);
          k0 = DoubleVector.fromArray(LANES, blk.q, o).fma(ds, k0);
          k1 = DoubleVector.fromArray(LANES, blk.q, o + step).fma(ds, k1);
          v0 = DoubleVector.fromArray(LANES, dOutRows, o).fma(p, v0);
          v1 = DoubleVector.fromArray(LANES, dOutRows, o + step).fma(p, v1);
        }
        k0.intoArray(row, cb);
        k1.intoArray(row, cb + step);
        v0.intoArray(row2, cb);
        v1.intoArray(row2, cb + step);
      }
      for (; cb < hp; cb += step) {
        DoubleVector k0 = DoubleVector.zero(LANES);
        DoubleVector v0 = DoubleVector.zero(LANES);
        for (int i = firstQuery(j); i < t; i++) {
          int o = i * d + col + cb;
          k0 = DoubleVector.fromArray(LANES, blk.q, o).fma(splat(dScores[j * tp + i]), k0);
          v0 = DoubleVector.fromArray(LANES, dOutRows, o).fma(splat(attBlock[a + j * t + i]), v0);
        }
        k0.intoArray(row, cb);
        v0.intoArray(row2, cb);
      }
    }

    /**
     * {@link #keyGradients} of key rows j (into {@code row}, {@code row2}) and j + 1 (into {@code
     * row3}, {@code row4}) at once: from query j + 1 on, the two share each query row's loads and
     * run eight FMA chains; each sum keeps keyGradients's order.
     */
    private void keyGradientPair(int col, int a, int j) {
      int step = LANES.length();
      int next = j + 1;
      int cb = 0;
      for (; cb + 2 * step <= hp; cb += 2 * step) {
        int o = j * d + col + cb;
        DoubleVector ds = splat(dScores[j * tp + j]);
        DoubleVector p = splat(attBlock[a + j * t + j]);
        DoubleVector k0 = DoubleVector.fromArray(LANES, blk.q, o).fma(ds, DoubleVector.zero(LANES));
        DoubleVector k1 =
            DoubleVector.fromArray(LANES, blk.q, o + step).fma(ds, DoubleVector.zero(LANES));
        DoubleVector v0 =
            DoubleVector.fromArray(LANES, dOutRows, o).fma(p, DoubleVector.zero(LANES));
        DoubleVector v1 =
            DoubleVector.fromArray(LANES, dOutRows, o + step).fma(p, DoubleVector.zero(LANES));
        DoubleVector nk0 = DoubleVector.zero(LANES);
        DoubleVector nk1 = DoubleVector.zero(LANES);
        DoubleVector nv0 = DoubleVector.zero(LANES);
        DoubleVector nv1 = DoubleVector.zero(LANES);
        for (int i = next; i < t; i++) {
          o = i * d + col + cb;
          DoubleVector q0 = DoubleVector.fromArray(LANES, blk.q, o);
          DoubleVector q1 = DoubleVector.fromArray(LANES, blk.q, o + step);
          DoubleVector g0 = DoubleVector.fromArray(LANES, dOutRows, o);
          DoubleVector g1 = DoubleVector.fromArray(LANES, dOutRows, o + step);
          ds = splat(dScores[j * tp + i]);
          p = splat(attBlock[a + j * t + i]);
          DoubleVector nds = splat(dScores[next * tp + i]);
          DoubleVector np = splat(attBlock[a + next * t + i]);
          k0 = q0.fma(ds, k0);
          k1 = q1.fma(ds, k1);
          v0 = g0.fma(p, v0);
          v1 = g1.fma(p, v1);
          nk0 = q0.fma(nds, nk0);
          nk1 = q1.fma(nds, nk1);
          nv0 = g0.fma(np, nv0);
          nv1 = g1.fma(np, nv1);
        }
        k0.intoArray(row, cb);
        k1.intoArray(row, cb + step);
        v0.intoArray(row2, cb);
        v1.intoArray(row2, cb + step);
        nk0.intoArray(row3, cb);
        nk1.intoArray(row3, cb + step);
        nv0.intoArray(row4, cb);
        nv1.intoArray(row4, cb + step);
      }
      for (; cb < hp; cb += step) {
        int o = j * d + col + cb;
        DoubleVector k0 =
            DoubleVector.fromArray(LANES, blk.q, o)
                .fma(splat(dScores[j * tp + j]), DoubleVector.zero(LANES));
        DoubleVector v0 =
            DoubleVector.fromArray(LANES, dOutRows, o)
                .fma(splat(attBlock[a + j * t + j]), DoubleVector.zero(LANES));
        DoubleVector nk0 = DoubleVector.zero(LANES);
        DoubleVector nv0 = DoubleVector.zero(LANES);
        for (int i = next; i < t; i++) {
          o = i * d + col + cb;
          DoubleVector q0 = DoubleVector.fromArray(LANES, blk.q, o);
          DoubleVector g0 = DoubleVector.fromArray(LANES, dOutRows, o);
          k0 = q0.fma(splat(dScores[j * tp + i]), k0);
          v0 = g0.fma(splat(attBlock[a + j * t + i]), v0);
          nk0 = q0.fma(splat(dScores[next * tp + i]), nk0);
          nv0 = g0.fma(splat(attBlock[a + next * t + i]), nv0);
        }
        k0.intoArray(row, cb);
        v0.intoArray(row2, cb);
        nk0.intoArray(row3, cb);
        nv0.intoArray(row4, cb);
      }
    }

    /**
     * The queries {@code ib ..} of dS^T = P^T * (dA^T - sum_j P^T * dA^T) * scale, into dScores.
     * P^T is zero above each query's last key, so the sum over every key row is the sum up to it.
     */
    private void softmaxBackward(int a, int ib) {
      int rows = keysOf(ib);
      DoubleVector rowDot = DoubleVector.zero(LANES);
      for (int j = 0; j < rows; j++) {
        rowDot =
            rowDot.add(
                DoubleVector.fromArray(LANES, attBlock, a + j * t + ib)
                    .mul(DoubleVector.fromArray(LANES, dA, j * tp + ib)));
      }
      for (int j = 0; j < rows; j++) {
        DoubleVector p = DoubleVector.fromArray(LANES, attBlock, a + j * t + ib);
        p.mul(DoubleVector.fromArray(LANES, dA, j * tp + ib).sub(rowDot))
            .mul(scale)
            .intoArray(dScores, j * tp + ib);
      }
    }
  }

  /**
   * Row i of {@code out} at the head's columns gets {@code sum_{j <= i} w[j * tp + i] * rows_j}
   * (the sum over every j without the causal mask), for every query i: the product of a transposed
   * matrix (P^T, dS^T) and the head's rows; causal ones four queries at a time, then two, then one;
   * b0 .. b3 are row buffers of hp.
   */
  private void products(
      double[] w,
      double[] rows,
      int col,
      double[] out,
      double[] b0,
      double[] b1,
      double[] b2,
      double[] b3) {
    int i = 0;
    if (!causal) {
      for (; i < t; i++) {
        weightedRows(w, i, tp, rows, col, t, b0);
        System.arraycopy(b0, 0, out, i * d + col, hd);
      }
      return;
    }
    for (; i + 3 < t; i += 4) {
      weightedRowQuad(w, i, tp, rows, col, i + 1, b0, b1, b2, b3);
      System.arraycopy(b0, 0, out, i * d + col, hd);
      System.arraycopy(b1, 0, out, (i + 1) * d + col, hd);
      System.arraycopy(b2, 0, out, (i + 2) * d + col, hd);
      System.arraycopy(b3, 0, out, (i + 3) * d + col, hd);
    }
    for (; i + 1 < t; i += 2) {
      weightedRowPair(w, i, tp, rows, col, i + 1, b0, b1);
      System.arraycopy(b0, 0, out, i * d + col, hd);
      System.arraycopy(b1, 0, out, (i + 1) * d + col, hd);
    }
    if (i < t) {
      weightedRows(w, i, tp, rows, col, i + 1, b0);
      System.arraycopy(b0, 0, out, i * d + col, hd);
    }
  }

  /**
   * {@code out[0..hd) = sum_{r < count} w[wOff + r * wStride] * rows[r * d + col ..]}: a weighted
   * sum of one head's rows. Four, two or one vectors of the head's columns (a float head of 32
   * columns is two) are accumulated per pass over the rows, so each weight is broadcast once per
   * pass and the FMA chains are independent.
   */
  private void weightedRows(
      double[] w, int wOff, int wStride, double[] rows, int col, int count, double[] out) {
    int step = LANES.length();
    int cb = 0;
    for (; cb + 4 * step <= hp; cb += 4 * step) {
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector a1 = DoubleVector.zero(LANES);
      DoubleVector a2 = DoubleVector.zero(LANES);
      DoubleVector a3 = DoubleVector.zero(LANES);
      for (int r = 0; r < count; r++) {
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
    for (; cb + 2 * step <= hp; cb += 2 * step) {
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector a1 = DoubleVector.zero(LANES);
      for (int r = 0; r < count; r++) {
        DoubleVector x = splat(w[wOff + r * wStride]);
        int o = r * d + col + cb;
        a0 = DoubleVector.fromArray(LANES, rows, o).fma(x, a0);
        a1 = DoubleVector.fromArray(LANES, rows, o + step).fma(x, a1);
      }
      a0.intoArray(out, cb);
      a1.intoArray(out, cb + step);
    }
    for (; cb < hp; cb += step) {
      DoubleVector acc = DoubleVector.zero(LANES);
      for (int r = 0; r < count; r++) {
        acc =
            DoubleVector.fromArray(LANES, rows, r * d + col + cb)
                .fma(splat(w[wOff + r * wStride]), acc);
      }
      acc.intoArray(out, cb);
    }
  }

  /**
   * {@link #weightedRows} of two adjacent weight lanes at once: {@code w[wOff + r * wStride]} over
   * {@code count} rows into {@code out}, {@code w[wOff + 1 + r * wStride]} over {@code count + 1}
   * rows into {@code out2} (queries i and i + 1 of a transposed block). They share each row's load,
   * and their four FMA chains (two vectors each) overlap where one row's two waited on FMA latency;
   * each sum keeps weightedRows's order.
   */
  private void weightedRowPair(
      double[] w,
      int wOff,
      int wStride,
      double[] rows,
      int col,
      int count,
      double[] out,
      double[] out2) {
    int step = LANES.length();
    int cb = 0;
    for (; cb + 2 * step <= hp; cb += 2 * step) {
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector a1 = DoubleVector.zero(LANES);
      DoubleVector b0 = DoubleVector.zero(LANES);
      DoubleVector b1 = DoubleVector.zero(LANES);
      for (int r = 0; r < count; r++) {
        DoubleVector x = splat(w[wOff + r * wStride]);
        DoubleVector y = splat(w[wOff + 1 + r * wStride]);
        int o = r * d + col + cb;
        DoubleVector r0 = DoubleVector.fromArray(LANES, rows, o);
        DoubleVector r1 = DoubleVector.fromArray(LANES, rows, o + step);
        a0 = r0.fma(x, a0);
        a1 = r1.fma(x, a1);
        b0 = r0.fma(y, b0);
        b1 = r1.fma(y, b1);
      }
      DoubleVector y = splat(w[wOff + 1 + count * wStride]);
      int o = count * d + col + cb;
      a0.intoArray(out, cb);
      a1.intoArray(out, cb + step);
      DoubleVector.fromArray(LANES, rows, o).fma(y, b0).intoArray(out2, cb);
      DoubleVector.fromArray(LANES, rows, o + step).fma(y, b1).intoArray(out2, cb + step);
    }
    for (; cb < hp; cb += step) {
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector b0 = DoubleVector.zero(LANES);
      for (int r = 0; r < count; r++) {
        DoubleVector r0 = DoubleVector.fromArray(LANES, rows, r * d + col + cb);
        a0 = r0.fma(splat(w[wOff + r * wStride]), a0);
        b0 = r0.fma(splat(w[wOff + 1 + r * wStride]), b0);
      }
      a0.intoArray(out, cb);
      DoubleVector.fromArray(LANES, rows, count * d + col + cb)
          .fma(splat(w[wOff + 1 + count * wStride]), b0)
          .intoArray(out2, cb);
    }
  }

  /**
   * {@link #weightedRowPair} of four adjacent weight lanes: lane k over {@code count + k} rows into
   * {@code o0 .. o3}. Eight FMA chains share each row's loads, enough to keep two FMA units busy
   * (AVX2, Intel's AVX-512), where a pair's four fill one; each sum keeps weightedRows's order.
   */
  private void weightedRowQuad(
      double[] w,
      int wOff,
      int wStride,
      double[] rows,
      int col,
      int count,
      double[] o0,
      double[] o1,
      double[] o2,
      double[] o3) {
    int step = LANES.length();
    int cb = 0;
    for (; cb + 2 * step <= hp; cb += 2 * step) {
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector a1 = DoubleVector.zero(LANES);
      DoubleVector b0 = DoubleVector.zero(LANES);
      DoubleVector b1 = DoubleVector.zero(LANES);
      DoubleVector c0 = DoubleVector.zero(LANES);
      DoubleVector c1 = DoubleVector.zero(LANES);
      DoubleVector e0 = DoubleVector.zero(LANES);
      DoubleVector e1 = DoubleVector.zero(LANES);
      for (int r = 0; r < count; r++) {
        int o = r * d + col + cb;
        int wi = wOff + r * wStride;
        DoubleVector r0 = DoubleVector.fromArray(LANES, rows, o);
        DoubleVector r1 = DoubleVector.fromArray(LANES, rows, o + step);
        DoubleVector x = splat(w[wi]);
        a0 = r0.fma(x, a0);
        a1 = r1.fma(x, a1);
        x = splat(w[wi + 1]);
        b0 = r0.fma(x, b0);
        b1 = r1.fma(x, b1);
        x = splat(w[wi + 2]);
        c0 = r0.fma(x, c0);
        c1 = r1.fma(x, c1);
        x = splat(w[wi + 3]);
        e0 = r0.fma(x, e0);
        e1 = r1.fma(x, e1);
      }
      int o = count * d + col + cb;
      int wi = wOff + count * wStride;
      DoubleVector r0 = DoubleVector.fromArray(LANES, rows, o);
      DoubleVector r1 = DoubleVector.fromArray(LANES, rows, o + step);
      b0 = r0.fma(splat(w[wi + 1]), b0);
      b1 = r1.fma(splat(w[wi + 1]), b1);
      c0 = r0.fma(splat(w[wi + 2]), c0);
      c1 = r1.fma(splat(w[wi + 2]), c1);
      e0 = r0.fma(splat(w[wi + 3]), e0);
      e1 = r1.fma(splat(w[wi + 3]), e1);
      o += d;
      wi += wStride;
      r0 = DoubleVector.fromArray(LANES, rows, o);
      r1 = DoubleVector.fromArray(LANES, rows, o + step);
      c0 = r0.fma(splat(w[wi + 2]), c0);
      c1 = r1.fma(splat(w[wi + 2]), c1);
      e0 = r0.fma(splat(w[wi + 3]), e0);
      e1 = r1.fma(splat(w[wi + 3]), e1);
      o += d;
      wi += wStride;
      e0 = DoubleVector.fromArray(LANES, rows, o).fma(splat(w[wi + 3]), e0);
      e1 = DoubleVector.fromArray(LANES, rows, o + step).fma(splat(w[wi + 3]), e1);
      a0.intoArray(o0, cb);
      a1.intoArray(o0, cb + step);
      b0.intoArray(o1, cb);
      b1.intoArray(o1, cb + step);
      c0.intoArray(o2, cb);
      c1.intoArray(o2, cb + step);
      e0.intoArray(o3, cb);
      e1.intoArray(o3, cb + step);
    }
    for (; cb < hp; cb += step) {
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector b0 = DoubleVector.zero(LANES);
      DoubleVector c0 = DoubleVector.zero(LANES);
      DoubleVector e0 = DoubleVector.zero(LANES);
      for (int r = 0; r < count; r++) {
        DoubleVector r0 = DoubleVector.fromArray(LANES, rows, r * d + col + cb);
        int wi = wOff + r * wStride;
        a0 = r0.fma(splat(w[wi]), a0);
        b0 = r0.fma(splat(w[wi + 1]), b0);
        c0 = r0.fma(splat(w[wi + 2]), c0);
        e0 = r0.fma(splat(w[wi + 3]), e0);
      }
      /*
       * The three rows only the later lanes take, peeled as in the loop above: with the lanes'
       * row conditions inside the loop C2 kept the accumulators as boxed vectors and ran every FMA
       * through the Vector API's Java fallback, which made a head of one vector (a float head of
       * 16 columns, d_model 64 with 4 heads) several times slower than one of two.
       */
      int o = count * d + col + cb;
      int wi = wOff + count * wStride;
      DoubleVector r0 = DoubleVector.fromArray(LANES, rows, o);
      b0 = r0.fma(splat(w[wi + 1]), b0);
      c0 = r0.fma(splat(w[wi + 2]), c0);
      e0 = r0.fma(splat(w[wi + 3]), e0);
      r0 = DoubleVector.fromArray(LANES, rows, o + d);
      c0 = r0.fma(splat(w[wi + wStride + 2]), c0);
      e0 = r0.fma(splat(w[wi + wStride + 3]), e0);
      e0 = DoubleVector.fromArray(LANES, rows, o + 2 * d).fma(splat(w[wi + 2 * wStride + 3]), e0);
      a0.intoArray(o0, cb);
      b0.intoArray(o1, cb);
      c0.intoArray(o2, cb);
      e0.intoArray(o3, cb);
    }
  }

  /** T rounded up to whole groups of four rows: the row count of every buffer allScores touches. */
  private int rowsPadded() {
    return (t + 3) / 4 * 4;
  }

  /**
   * {@code out[j*tp + i] = x_j . y_i} over the head's columns at {@code col} for every key row j
   * and query i >= j (lanes below j hold whatever falls out), with the y rows given transposed in
   * {@code yt[col*tp ..]}, as sums of whole-vector FMAs. Rows go four at a time: each vector of the
   * transposed block is loaded once for four rows, and their eight accumulators keep the FMA units
   * busy. A row starts at the vector holding its own query lane; when T is no multiple of four the
   * last group runs into the rows' padding.
   */
  private void allScores(double[] x, double[] yt, int col, double[] out) {
    for (int j = 0; j < t; j += 4) {
      scoresRows4(
          x,
          j * d + col,
          yt,
          col * tp,
          firstQuery(j) / LANES.length() * LANES.length(),
          out,
          j * tp);
    }
  }

  /** The first query that sees key j: j itself under the causal mask, else the first. */
  private int firstQuery(int j) {
    return causal ? j : 0;
  }

  /**
   * How many keys the queries ib .. ib + lanes - 1 see together: up to the last of them, or all.
   */
  private int keysOf(int ib) {
    return causal ? Math.min(t, ib + LANES.length()) : t;
  }

  /**
   * The four rows at {@code x[xOff + r*d ..]}, lanes from {@code from}, into {@code out[outOff +
   * r*tp ..]}.
   */
  private void scoresRows4(
      double[] x, int xOff, double[] yt, int ytOff, int from, double[] out, int outOff) {
    for (int jb = from; jb < tp; jb += LANES.length()) {
      int base = ytOff + jb;
      DoubleVector a0 = DoubleVector.zero(LANES);
      DoubleVector a1 = DoubleVector.zero(LANES);
      DoubleVector a2 = DoubleVector.zero(LANES);
      DoubleVector a3 = DoubleVector.zero(LANES);
      DoubleVector b0 = DoubleVector.zero(LANES);
      DoubleVector b1 = DoubleVector.zero(LANES);
      DoubleVector b2 = DoubleVector.zero(LANES);
      DoubleVector b3 = DoubleVector.zero(LANES);
      int c = 0;
      for (; c + 1 < hd; c += 2) {
        DoubleVector y0 = DoubleVector.fromArray(LANES, yt, base + c * tp);
        DoubleVector y1 = DoubleVector.fromArray(LANES, yt, base + (c + 1) * tp);
        int o = xOff + c;
        a0 = y0.fma(splat(x[o]), a0);
        b0 = y1.fma(splat(x[o + 1]), b0);
        a1 = y0.fma(splat(x[o + d]), a1);
        b1 = y1.fma(splat(x[o + d + 1]), b1);
        a2 = y0.fma(splat(x[o + 2 * d]), a2);
        b2 = y1.fma(splat(x[o + 2 * d + 1]), b2);
        a3 = y0.fma(splat(x[o + 3 * d]), a3);
        b3 = y1.fma(splat(x[o + 3 * d + 1]), b3);
      }
      if (c < hd) {
        DoubleVector y0 = DoubleVector.fromArray(LANES, yt, base + c * tp);
        int o = xOff + c;
        a0 = y0.fma(splat(x[o]), a0);
        a1 = y0.fma(splat(x[o + d]), a1);
        a2 = y0.fma(splat(x[o + 2 * d]), a2);
        a3 = y0.fma(splat(x[o + 3 * d]), a3);
      }
      a0.add(b0).intoArray(out, outOff + jb);
      a1.add(b1).intoArray(out, outOff + tp + jb);
      a2.add(b2).intoArray(out, outOff + 2 * tp + jb);
      a3.add(b3).intoArray(out, outOff + 3 * tp + jb);
    }
  }

  private static DoubleVector splat(double x) {
    return DoubleVector.broadcast(LANES, x);
  }

  /**
   * Column i of {@code s [T, tp]} (query i's scores, key j at row j) becomes the softmax of its
   * first i + 1 scores, zeros below them (the causal mask; of all T without it), a vector of
   * queries at a time: the maximum and the sum run down the key rows, in the order the row-wise
   * softmax summed them, so no reduction crosses lanes.
   */
  private void softmaxColumns(double[] s) {
    for (int ib = 0; ib < tp; ib += LANES.length()) {
      int rows = keysOf(ib);
      DoubleVector query = DoubleVector.fromArray(LANES, IOTA, 0).add((double) (causal ? ib : t));
      DoubleVector max = splat(Double.NEGATIVE_INFINITY);
      for (int j = 0; j < rows; j++) {
        max =
            max.max(
                DoubleVector.fromArray(LANES, s, j * tp + ib)
                    .blend(Double.NEGATIVE_INFINITY, query.lt((double) j)));
      }
      DoubleVector sum = DoubleVector.zero(LANES);
      for (int j = 0; j < rows; j++) {
        DoubleVector e =
            ExpFloat64.exp(DoubleVector.fromArray(LANES, s, j * tp + ib).sub(max))
                .blend((double) 0, query.lt((double) j));
        e.intoArray(s, j * tp + ib);
        sum = sum.add(e);
      }
      DoubleVector inv = splat(1).div(sum);
      for (int j = 0; j < rows; j++) {
        DoubleVector.fromArray(LANES, s, j * tp + ib).mul(inv).intoArray(s, j * tp + ib);
      }
      // keys past these queries: masked for all of them
      for (int j = rows; j < t; j++) {
        DoubleVector.zero(LANES).intoArray(s, j * tp + ib);
      }
    }
  }

  /** Lane l takes lane l + by, modulo the vector length. */
  private static VectorShuffle<Double> rotation(int by) {
    int n = LANES.length();
    return VectorShuffle.fromOp(LANES, l -> Math.floorMod(l + by, n));
  }

  private static VectorMask<Double> lanesWithBit(int bit) {
    boolean[] set = new boolean[LANES.length()];
    for (int l = 0; l < set.length; l++) {
      set[l] = (l & bit) != 0;
    }
    return VectorMask.fromArray(LANES, set, 0);
  }

  private static double[] lanes() {
    double[] iota = new double[LANES.length()];
    for (int l = 0; l < iota.length; l++) {
      iota[l] = l;
    }
    return iota;
  }

  private void addColumnSums(double[] rows, double[] sums) {
    int bound = LANES.loopBound(d);
    for (int r = 0; r < t; r++) {
      int c = 0;
      for (; c < bound; c += LANES.length()) {
        DoubleVector.fromArray(LANES, rows, r * d + c)
            .add(DoubleVector.fromArray(LANES, sums, c))
            .intoArray(sums, c);
      }
      for (; c < d; c++) {
        sums[c] += rows[r * d + c];
      }
    }
  }

  /**
   * One sequence's last-position query times {@code queryFactor}, and its keys and values at every
   * position: each kernel reads one of those as rows and transposes the other into {@code
   * transposed [d, tp]}. Keys and values have tp rows, as the transpose reads, and a vector of
   * slack, as in {@link Block}.
   */
  private final class LastQueryBlock {
    final double[] q;
    final double[] k;
    final double[] v;
    final double[] transposed;
    private final double queryFactor;
    private final HostView.Float64 qView;
    private final HostView.Float64 kView;
    private final HostView.Float64 vView;

    /** Takes its four buffers from {@code scratch} slots 0 .. 2 and 13. */
    LastQueryBlock(Projections in, Scratch scratch, double queryFactor) {
      q = scratch.doubles(0, d);
      k = scratch.doubles(1, tp * d + LANES.length());
      v = scratch.doubles(2, tp * d + LANES.length());
      transposed = scratch.doubles(13, d * tp);
      this.queryFactor = queryFactor;
      qView = HostView.Float64.view(in.q());
      kView = HostView.Float64.view(in.k());
      vView = HostView.Float64.view(in.v());
    }

    void load(int b) {
      qView.read(b * d, q, 0, d);
      kView.read(b * t * d, k, 0, t * d);
      vView.read(b * t * d, v, 0, t * d);
      for (int c = 0; c < d; c++) {
        q[c] *= queryFactor;
      }
    }
  }

  /**
   * One batch element's q, k, v rows and a block transposed to {@code [d, tp]} (the queries in the
   * forward pass, the output gradient in the backward). Rows carry a vector of slack at the end so
   * a head's last vector load may run past column d when d/H is not a whole number of vectors; k
   * and v (read by allScores) are padded to whole groups of four rows, q to tp rows (read by the
   * transpose). Those lanes, like the transposed block's lanes past T, hold whatever the scratch
   * held, are computed and dropped.
   */
  private final class Block {
    final double[] q;
    final double[] k;
    final double[] v;
    final double[] transposed;
    private final HostView.Float64 qView;
    private final HostView.Float64 kView;
    private final HostView.Float64 vView;

    /** Takes its four buffers from {@code scratch} slots {@code firstSlot ..}. */
    Block(Projections in, Scratch scratch, int firstSlot) {
      q = scratch.doubles(firstSlot, tp * d + LANES.length());
      k = scratch.doubles(firstSlot + 1, rowsPadded() * d + LANES.length());
      v = scratch.doubles(firstSlot + 2, rowsPadded() * d + LANES.length());
      transposed = scratch.doubles(firstSlot + 3, d * tp);
      qView = HostView.Float64.view(in.q());
      kView = HostView.Float64.view(in.k());
      vView = HostView.Float64.view(in.v());
    }

    void load(int b) {
      qView.read(b * t * d, q, 0, t * d);
      kView.read(b * t * d, k, 0, t * d);
      vView.read(b * t * d, v, 0, t * d);
    }
  }

  /**
   * {@code transposed[c * tp + r] = rows[r * d + c] * factor} for r < tp, into {@code [d, tp]}
   * ({@code rows} holds tp rows; those past T hold what the scratch held). Whole groups of 16
   * columns go through registers ({@link #transposeTiles}); element by element, each store a cache
   * line from the last, the transposes were an eighth of the kernels' time. A short sequence (T at
   * most half a vector, as the follow-up's [a, b]) goes element by element, rows past T left as
   * they were: the tiles would move a whole vector of rows, mostly padding.
   */
  private void transpose(double[] rows, double factor, double[] transposed) {
    int tiled = 2 * t <= LANES.length() ? 0 : d / TILE_COLUMNS * TILE_COLUMNS;
    for (int r0 = 0; r0 < tp; r0 += LANES.length()) {
      for (int c0 = 0; c0 < tiled; c0 += TILE_COLUMNS) {
        transposeTiles(rows, factor, r0, c0, d, transposed, tp);
      }
    }
    for (int r = 0; r < t; r++) {
      for (int c = tiled; c < d; c++) {
        transposed[c * tp + r] = rows[r * d + c] * factor;
      }
    }
  }

  /**
   * Columns {@code c0 .. c0+16} of the N rows from {@code r0} (N the vector length), as 16 / N
   * side-by-side N x N tiles in 16 vectors, transposed by log2(N) butterfly stages: stage s swaps
   * bit s of each element's row and column index (its lane), so that after all of them element (r,
   * c) of a tile sits at (c, r). One static method with every vector in a local, so that they stay
   * in registers and C2 inlines every Vector API call.
   */
  private static void transposeTiles(
      double[] rows, double factor, int r0, int c0, int d, double[] out, int tp) {
    int n = LANES.length();
    DoubleVector w;
    DoubleVector v0 = DoubleVector.fromArray(LANES, rows, (r0 + 0 % n) * d + c0 + 0 / n * n);
    DoubleVector v1 = DoubleVector.fromArray(LANES, rows, (r0 + 1 % n) * d + c0 + 1 / n * n);
    DoubleVector v2 = DoubleVector.fromArray(LANES, rows, (r0 + 2 % n) * d + c0 + 2 / n * n);
    DoubleVector v3 = DoubleVector.fromArray(LANES, rows, (r0 + 3 % n) * d + c0 + 3 / n * n);
    DoubleVector v4 = DoubleVector.fromArray(LANES, rows, (r0 + 4 % n) * d + c0 + 4 / n * n);
    DoubleVector v5 = DoubleVector.fromArray(LANES, rows, (r0 + 5 % n) * d + c0 + 5 / n * n);
    DoubleVector v6 = DoubleVector.fromArray(LANES, rows, (r0 + 6 % n) * d + c0 + 6 / n * n);
    DoubleVector v7 = DoubleVector.fromArray(LANES, rows, (r0 + 7 % n) * d + c0 + 7 / n * n);
    DoubleVector v8 = DoubleVector.fromArray(LANES, rows, (r0 + 8 % n) * d + c0 + 8 / n * n);
    DoubleVector v9 = DoubleVector.fromArray(LANES, rows, (r0 + 9 % n) * d + c0 + 9 / n * n);
    DoubleVector v10 = DoubleVector.fromArray(LANES, rows, (r0 + 10 % n) * d + c0 + 10 / n * n);
    DoubleVector v11 = DoubleVector.fromArray(LANES, rows, (r0 + 11 % n) * d + c0 + 11 / n * n);
    DoubleVector v12 = DoubleVector.fromArray(LANES, rows, (r0 + 12 % n) * d + c0 + 12 / n * n);
    DoubleVector v13 = DoubleVector.fromArray(LANES, rows, (r0 + 13 % n) * d + c0 + 13 / n * n);
    DoubleVector v14 = DoubleVector.fromArray(LANES, rows, (r0 + 14 % n) * d + c0 + 14 / n * n);
    DoubleVector v15 = DoubleVector.fromArray(LANES, rows, (r0 + 15 % n) * d + c0 + 15 / n * n);
    if (1 < n) {
      w = v0.blend(v1.rearrange(DOWN1), HIGH1);
      v1 = v0.rearrange(UP1).blend(v1, HIGH1);
      v0 = w;
      w = v2.blend(v3.rearrange(DOWN1), HIGH1);
      v3 = v2.rearrange(UP1).blend(v3, HIGH1);
      v2 = w;
      w = v4.blend(v5.rearrange(DOWN1), HIGH1);
      v5 = v4.rearrange(UP1).blend(v5, HIGH1);
      v4 = w;
      w = v6.blend(v7.rearrange(DOWN1), HIGH1);
      v7 = v6.rearrange(UP1).blend(v7, HIGH1);
      v6 = w;
      w = v8.blend(v9.rearrange(DOWN1), HIGH1);
      v9 = v8.rearrange(UP1).blend(v9, HIGH1);
      v8 = w;
      w = v10.blend(v11.rearrange(DOWN1), HIGH1);
      v11 = v10.rearrange(UP1).blend(v11, HIGH1);
      v10 = w;
      w = v12.blend(v13.rearrange(DOWN1), HIGH1);
      v13 = v12.rearrange(UP1).blend(v13, HIGH1);
      v12 = w;
      w = v14.blend(v15.rearrange(DOWN1), HIGH1);
      v15 = v14.rearrange(UP1).blend(v15, HIGH1);
      v14 = w;
    }
    if (2 < n) {
      w = v0.blend(v2.rearrange(DOWN2), HIGH2);
      v2 = v0.rearrange(UP2).blend(v2, HIGH2);
      v0 = w;
      w = v1.blend(v3.rearrange(DOWN2), HIGH2);
      v3 = v1.rearrange(UP2).blend(v3, HIGH2);
      v1 = w;
      w = v4.blend(v6.rearrange(DOWN2), HIGH2);
      v6 = v4.rearrange(UP2).blend(v6, HIGH2);
      v4 = w;
      w = v5.blend(v7.rearrange(DOWN2), HIGH2);
      v7 = v5.rearrange(UP2).blend(v7, HIGH2);
      v5 = w;
      w = v8.blend(v10.rearrange(DOWN2), HIGH2);
      v10 = v8.rearrange(UP2).blend(v10, HIGH2);
      v8 = w;
      w = v9.blend(v11.rearrange(DOWN2), HIGH2);
      v11 = v9.rearrange(UP2).blend(v11, HIGH2);
      v9 = w;
      w = v12.blend(v14.rearrange(DOWN2), HIGH2);
      v14 = v12.rearrange(UP2).blend(v14, HIGH2);
      v12 = w;
      w = v13.blend(v15.rearrange(DOWN2), HIGH2);
      v15 = v13.rearrange(UP2).blend(v15, HIGH2);
      v13 = w;
    }
    if (4 < n) {
      w = v0.blend(v4.rearrange(DOWN4), HIGH4);
      v4 = v0.rearrange(UP4).blend(v4, HIGH4);
      v0 = w;
      w = v1.blend(v5.rearrange(DOWN4), HIGH4);
      v5 = v1.rearrange(UP4).blend(v5, HIGH4);
      v1 = w;
      w = v2.blend(v6.rearrange(DOWN4), HIGH4);
      v6 = v2.rearrange(UP4).blend(v6, HIGH4);
      v2 = w;
      w = v3.blend(v7.rearrange(DOWN4), HIGH4);
      v7 = v3.rearrange(UP4).blend(v7, HIGH4);
      v3 = w;
      w = v8.blend(v12.rearrange(DOWN4), HIGH4);
      v12 = v8.rearrange(UP4).blend(v12, HIGH4);
      v8 = w;
      w = v9.blend(v13.rearrange(DOWN4), HIGH4);
      v13 = v9.rearrange(UP4).blend(v13, HIGH4);
      v9 = w;
      w = v10.blend(v14.rearrange(DOWN4), HIGH4);
      v14 = v10.rearrange(UP4).blend(v14, HIGH4);
      v10 = w;
      w = v11.blend(v15.rearrange(DOWN4), HIGH4);
      v15 = v11.rearrange(UP4).blend(v15, HIGH4);
      v11 = w;
    }
    if (8 < n) {
      w = v0.blend(v8.rearrange(DOWN8), HIGH8);
      v8 = v0.rearrange(UP8).blend(v8, HIGH8);
      v0 = w;
      w = v1.blend(v9.rearrange(DOWN8), HIGH8);
      v9 = v1.rearrange(UP8).blend(v9, HIGH8);
      v1 = w;
      w = v2.blend(v10.rearrange(DOWN8), HIGH8);
      v10 = v2.rearrange(UP8).blend(v10, HIGH8);
      v2 = w;
      w = v3.blend(v11.rearrange(DOWN8), HIGH8);
      v11 = v3.rearrange(UP8).blend(v11, HIGH8);
      v3 = w;
      w = v4.blend(v12.rearrange(DOWN8), HIGH8);
      v12 = v4.rearrange(UP8).blend(v12, HIGH8);
      v4 = w;
      w = v5.blend(v13.rearrange(DOWN8), HIGH8);
      v13 = v5.rearrange(UP8).blend(v13, HIGH8);
      v5 = w;
      w = v6.blend(v14.rearrange(DOWN8), HIGH8);
      v14 = v6.rearrange(UP8).blend(v14, HIGH8);
      v6 = w;
      w = v7.blend(v15.rearrange(DOWN8), HIGH8);
      v15 = v7.rearrange(UP8).blend(v15, HIGH8);
      v7 = w;
    }
    v0.mul(factor).intoArray(out, (c0 + 0 / n * n + 0 % n) * tp + r0);
    v1.mul(factor).intoArray(out, (c0 + 1 / n * n + 1 % n) * tp + r0);
    v2.mul(factor).intoArray(out, (c0 + 2 / n * n + 2 % n) * tp + r0);
    v3.mul(factor).intoArray(out, (c0 + 3 / n * n + 3 % n) * tp + r0);
    v4.mul(factor).intoArray(out, (c0 + 4 / n * n + 4 % n) * tp + r0);
    v5.mul(factor).intoArray(out, (c0 + 5 / n * n + 5 % n) * tp + r0);
    v6.mul(factor).intoArray(out, (c0 + 6 / n * n + 6 % n) * tp + r0);
    v7.mul(factor).intoArray(out, (c0 + 7 / n * n + 7 % n) * tp + r0);
    v8.mul(factor).intoArray(out, (c0 + 8 / n * n + 8 % n) * tp + r0);
    v9.mul(factor).intoArray(out, (c0 + 9 / n * n + 9 % n) * tp + r0);
    v10.mul(factor).intoArray(out, (c0 + 10 / n * n + 10 % n) * tp + r0);
    v11.mul(factor).intoArray(out, (c0 + 11 / n * n + 11 % n) * tp + r0);
    v12.mul(factor).intoArray(out, (c0 + 12 / n * n + 12 % n) * tp + r0);
    v13.mul(factor).intoArray(out, (c0 + 13 / n * n + 13 % n) * tp + r0);
    v14.mul(factor).intoArray(out, (c0 + 14 / n * n + 14 % n) * tp + r0);
    v15.mul(factor).intoArray(out, (c0 + 15 / n * n + 15 % n) * tp + r0);
  }
}
