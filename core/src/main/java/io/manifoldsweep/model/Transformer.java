package io.manifoldsweep.model;

import static io.manifoldsweep.kernel.Linalg.addRowVector;
import static io.manifoldsweep.kernel.Linalg.columnSumsInto;
import static io.manifoldsweep.kernel.Linalg.mm;
import static io.manifoldsweep.kernel.Linalg.mmAdd;
import static io.manifoldsweep.kernel.Linalg.mmInto;

import io.manifoldsweep.kernel.Attention;
import io.manifoldsweep.kernel.Embedding;
import io.manifoldsweep.kernel.Gelu;
import io.manifoldsweep.kernel.HostView;
import io.manifoldsweep.kernel.LayerNorm;
import io.manifoldsweep.kernel.Linalg;
import io.manifoldsweep.kernel.NativeBlas;
import io.manifoldsweep.kernel.Scratch;
import io.manifoldsweep.kernel.SoftmaxCrossEntropy;
import io.manifoldsweep.kernel.VectorApi;
import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.task.Batch;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pre-LayerNorm transformer of method section 2 with a hand-written backward pass.
 *
 * <p>Matrix products go to BLAS through {@link Linalg}; attention, LayerNorm and the embedding are
 * fused Java kernels ({@link Attention}, {@link LayerNorm}, {@link Embedding}) on the same arrays.
 * Activations come from {@link Workspaces#array}: the pass that callers open per step (without one
 * ND4J is several times slower and native memory grows without bound) hands out the previous pass's
 * arrays again. A {@link Forward} is only valid inside the pass it was computed in.
 */
public final class Transformer {
  private final ModelSpec spec;
  private final ParamLayout layout;
  private final Attention.Shape attentionShape;

  public Transformer(ParamLayout layout) {
    VectorApi.require();
    NativeBlas.get();
    this.layout = layout;
    this.spec = layout.spec();
    this.attentionShape =
        new Attention.Shape(
            spec.seqLen(),
            spec.heads(),
            spec.dModel(),
            spec.attention() == AttentionMask.CAUSAL,
            spec.readoutPosition());
  }

  public ParamLayout layout() {
    return layout;
  }

  /**
   * Activations of one block that its backward pass reads. The last block runs at the last
   * positions only (see {@link #lastBlock}): its query, attention row, heads and MLP arrays have B
   * rows, not B*T.
   */
  private static final class LayerCache {
    LayerNorm.Cache ln1;
    INDArray h;

    /**
     * The last block's LayerNorm output at the readout positions, {@code [B, d]}: its queries'
     * input.
     */
    INDArray hLast;

    /** The last block's residual stream at the readout positions after it, {@code [B, d]}. */
    INDArray residual;

    Attention.Projections projections;
    INDArray attention;
    INDArray heads;
    LayerNorm.Cache ln2;
    INDArray h2;
    INDArray gelu;

    /** d GELU / dz at the MLP's pre-activations. */
    INDArray geluSlope;
  }

  /** Logits {@code [B, C]} and what the backward pass and the attention probes need. */
  public static final class Forward {
    private final List<LayerCache> layers = new ArrayList<>();
    private INDArray last;
    private LayerNorm.Cache lnF;
    private INDArray readout;
    private INDArray logits;

    public INDArray logits() {
      return logits;
    }

    /**
     * Attention probabilities of a layer, query by key, {@code [B, H, T, T]} row-major as doubles;
     * of the last layer, whose block runs at the readout position only, that position's rows {@code
     * [B, H, T]}.
     */
    public double[] attention(int layer) {
      INDArray att = layers.get(layer).attention;
      double[] stored = stored(att);
      if (att.rank() == 2) {
        return stored;
      }
      int t = Math.toIntExact(att.size(1));
      double[] rows = new double[stored.length];
      for (int m = 0; m < stored.length / (t * t); m++) {
        for (int j = 0; j < t; j++) {
          for (int i = 0; i < t; i++) {
            rows[(m * t + i) * t + j] = stored[(m * t + j) * t + i];
          }
        }
      }
      return rows;
    }

    /**
     * Query {@code i}'s probabilities in a layer's stored attention (key by query), {@code [B*H,
     * T]}.
     */
    private double[] queryAttention(int layer, int i) {
      INDArray att = layers.get(layer).attention;
      int t = Math.toIntExact(att.size(1));
      double[] stored = stored(att);
      double[] out = new double[stored.length / t];
      for (int r = 0; r < out.length; r++) {
        out[r] = stored[r * t + i];
      }
      return out;
    }

    private static double[] stored(INDArray att) {
      double[] values = new double[Math.toIntExact(att.length())];
      HostView.of(att).readAll(values);
      return values;
    }
  }

  /**
   * What evaluation and probes read of a forward pass: logits {@code [B, C]}, and per layer the
   * attention of the readout position. Valid inside the pass it was computed in.
   */
  public final class Inference {
    private final Forward forward;

    private Inference(Forward forward) {
      this.forward = forward;
    }

    public INDArray logits() {
      return forward.logits;
    }

    /**
     * The readout position's attention probabilities in {@code layer}, {@code [B, H, T]} row-major.
     */
    public double[] readoutAttention(int layer) {
      if (layer == spec.layers() - 1) {
        return forward.attention(layer);
      }
      return forward.queryAttention(layer, spec.readoutPosition());
    }
  }

  /**
   * Sequences per forward pass of evaluation and probes. 32 sequences' activations (256 KB per
   * array in float32) stay in L2 from the products into the kernels; at 512, the eval's old chunk,
   * every pass went through memory and the same examples took a tenth longer. Gemm rows come out
   * the same at any row count, so no logit depends on the chunk (the eval's mean loss, a weighted
   * mean of chunk means, may move in its last bit).
   */
  public static final int INFERENCE_SEQUENCES = 32;

  /**
   * The forward pass of evaluation and probes: {@link #forward}'s, read through {@link Inference}.
   */
  public Inference infer(Params p, Batch batch) {
    return new Inference(forward(p, batch));
  }

  /**
   * The forward pass, keeping what {@link #lossAndGradient} reads. The loss and every reader of the
   * output read the readout position alone, so the last block runs its queries, attention and
   * output projection there only (its keys and values still at every position): at every position
   * they would do a T-th of their work for the readout and the rest for nothing.
   */
  public Forward forward(Params p, Batch batch) {
    checkBatch(batch);
    Forward f = new Forward();
    INDArray x = embed(p, batch);
    for (int i = 0; i < spec.layers() - 1; i++) {
      f.layers.add(block(p, x, i, batch.size()));
    }
    LayerCache last = lastBlock(p, x, batch.size());
    f.layers.add(last);
    readoutOf(p, last.residual, f);
    return f;
  }

  /**
   * The residual stream right after block {@code layer} ({@code resid_post} in method section 8) at
   * every position, as doubles {@code [B*T, d]} row-major with row {@code b*T + t}.
   */
  public double[] residualAfter(Params p, Batch batch, int layer) {
    checkBatch(batch);
    checkLayer(layer);
    try (Workspaces.Scope ignored = Workspaces.open("hook")) {
      INDArray x = embed(p, batch);
      for (int i = 0; i <= layer; i++) {
        block(p, x, i, batch.size());
      }
      double[] out = new double[Math.toIntExact(x.length())];
      HostView.of(x).readAll(out);
      return out;
    }
  }

  /**
   * The logits {@code [B, C]} of {@code batchSize} sequences whose residual stream after block
   * {@code layer} is given, from row {@code firstRow} of {@code residual} ({@code [rows, d]}
   * doubles): the blocks after it and the readout, exactly the operations {@link #infer} applies,
   * so the unchanged stream of {@link #residualAfter} gives bit for bit the logits of {@link
   * #infer}. In float32 the stream is rounded to float, which leaves a float32 model's own stream
   * unchanged.
   */
  public double[] logitsFrom(Params p, double[] residual, int firstRow, int batchSize, int layer) {
    checkLayer(layer);
    int rows = batchSize * spec.seqLen();
    int d = spec.dModel();
    if ((long) (firstRow + rows) * d > residual.length) {
      throw new IllegalArgumentException(
          "the residual stream holds " + residual.length / d + " rows, not " + (firstRow + rows));
    }
    try (Workspaces.Scope ignored = Workspaces.open("hook")) {
      INDArray x = Workspaces.array(p.flat().dataType(), rows, d);
      HostView.of(x).write(residual, firstRow * d, 0, rows * d);
      for (int i = layer + 1; i < spec.layers() - 1; i++) {
        block(p, x, i, batchSize);
      }
      Forward f = new Forward();
      readoutOf(
          p,
          layer < spec.layers() - 1
              ? lastBlock(p, x, batchSize).residual
              : readoutRows(x, batchSize),
          f);
      double[] logits = new double[batchSize * spec.classes()];
      HostView.of(f.logits).readAll(logits);
      return logits;
    }
  }

  private INDArray embed(Params p, Batch batch) {
    INDArray x =
        Workspaces.array(p.flat().dataType(), (long) batch.size() * spec.seqLen(), spec.dModel());
    Embedding.forward(batch.tokens(), p.get("tok_emb"), p.get("pos_emb"), x);
    return x;
  }

  /**
   * Block {@code i} applied to the residual stream {@code x} in place; returns what its backward
   * needs.
   */
  private LayerCache block(Params p, INDArray x, int i, int b) {
    int t = spec.seqLen();
    int d = spec.dModel();
    int n = b * t;
    DataType type = x.dataType();
    String pre = "layer" + i + ".";
    LayerCache c = new LayerCache();
    LayerNorm.Cache[] ln = new LayerNorm.Cache[1];
    c.h = LayerNorm.forward(x, p.get(pre + "ln1.gamma"), p.get(pre + "ln1.beta"), ln);
    c.ln1 = ln[0];
    c.projections =
        new Attention.Projections(
            linear(c.h, p, pre + "attn.wq", pre + "attn.bq"),
            linear(c.h, p, pre + "attn.wk", pre + "attn.bk"),
            linear(c.h, p, pre + "attn.wv", pre + "attn.bv"));
    c.attention = Workspaces.array(type, (long) b * spec.heads(), t, t);
    c.heads = Workspaces.array(type, n, d);
    Attention.of(attentionShape, type).forward(c.projections, c.attention, c.heads, b);
    mmAdd(c.heads, p.get(pre + "attn.wo"), x, false, false);
    addRowVector(x, p.get(pre + "attn.bo"));
    mlp(p, pre, x, c);
    return c;
  }

  /**
   * The block's MLP, if the model has one, added to the residual rows {@code x}; caches into {@code
   * c}.
   */
  private void mlp(Params p, String pre, INDArray x, LayerCache c) {
    if (spec.mlp()) {
      LayerNorm.Cache[] ln = new LayerNorm.Cache[1];
      c.h2 = LayerNorm.forward(x, p.get(pre + "ln2.gamma"), p.get(pre + "ln2.beta"), ln);
      c.ln2 = ln[0];
      c.gelu = linear(c.h2, p, pre + "mlp.w1", pre + "mlp.b1");
      c.geluSlope = Gelu.applyInPlace(c.gelu);
      mmAdd(c.gelu, p.get(pre + "mlp.w2"), x, false, false);
      addRowVector(x, p.get(pre + "mlp.b2"));
    }
  }

  /**
   * The last block at the readout position of each sequence only: LayerNorm and keys and values at
   * every position, the query, attention, output projection and MLP at the last, which is all the
   * readout reads. The residual stream of the readout positions after the block is the cache's
   * {@code residual}.
   */
  private LayerCache lastBlock(Params p, INDArray x, int b) {
    int t = spec.seqLen();
    int d = spec.dModel();
    DataType type = x.dataType();
    String pre = "layer" + (spec.layers() - 1) + ".";
    LayerCache c = new LayerCache();
    LayerNorm.Cache[] ln = new LayerNorm.Cache[1];
    c.h = LayerNorm.forward(x, p.get(pre + "ln1.gamma"), p.get(pre + "ln1.beta"), ln);
    c.ln1 = ln[0];
    c.hLast = readoutRows(c.h, b);
    c.projections =
        new Attention.Projections(
            linear(c.hLast, p, pre + "attn.wq", pre + "attn.bq"),
            linear(c.h, p, pre + "attn.wk", pre + "attn.bk"),
            linear(c.h, p, pre + "attn.wv", pre + "attn.bv"));
    c.attention = Workspaces.array(type, (long) b * spec.heads(), t);
    c.heads = Workspaces.array(type, b, d);
    Attention.of(attentionShape, type).forwardReadoutQuery(c.projections, c.attention, c.heads, b);
    c.residual = readoutRows(x, b);
    mmAdd(c.heads, p.get(pre + "attn.wo"), c.residual, false, false);
    addRowVector(c.residual, p.get(pre + "attn.bo"));
    mlp(p, pre, c.residual, c);
    return c;
  }

  /** LayerNorm and head on the residual stream at the readout positions, {@code [B, d]}. */
  private void readoutOf(Params p, INDArray last, Forward f) {
    f.last = last;
    LayerNorm.Cache[] ln = new LayerNorm.Cache[1];
    f.readout = LayerNorm.forward(f.last, p.get("ln_f.gamma"), p.get("ln_f.beta"), ln);
    f.lnF = ln[0];
    f.logits = linear(f.readout, p, "head.w", "head.b");
  }

  private void checkLayer(int layer) {
    if (layer < 0 || layer >= spec.layers()) {
      throw new IllegalArgumentException(
          "layer " + layer + " does not exist in a model of " + spec.layers() + " layers");
    }
  }

  /**
   * Mean cross-entropy of the batch; writes d(loss)/d(theta) into {@code grad} (every tensor is
   * overwritten, none accumulated).
   */
  public double lossAndGradient(Params p, Batch batch, Params grad) {
    Forward f = forward(p, batch);
    int b = batch.size();
    int t = spec.seqLen();
    int d = spec.dModel();
    DataType type = f.logits.dataType();
    INDArray dLogits = Workspaces.array(type, b, spec.classes());
    double loss = SoftmaxCrossEntropy.lossAndGradient(f.logits, batch.labels(), dLogits);
    mmInto(f.readout, dLogits, grad.get("head.w"), true, false);
    columnSumsInto(dLogits, grad.get("head.b"));
    INDArray dReadout = mm(dLogits, p.get("head.w"), false, true);
    INDArray dLast = Workspaces.zeros(type, b, d);
    LayerNorm.addBackward(
        dReadout, f.lnF, p.get("ln_f.gamma"), grad.get("ln_f.gamma"), grad.get("ln_f.beta"), dLast);

    int top = spec.layers() - 1;
    String pre = "layer" + top + ".";
    LayerCache c = f.layers.get(top);
    mlpBackward(p, grad, pre, c, dLast);
    INDArray dx = Workspaces.zeros(type, (long) b * t, d);
    addAtReadout(dLast, dx, b);
    /*
     * Every layer overwrites these before reading them, so one set serves all layers. A fresh array
     * per layer is memory last touched a step ago, which the write must first fetch.
     */
    INDArray dk = Workspaces.array(type, dx.shape());
    INDArray dv = Workspaces.array(type, dx.shape());
    INDArray dh = Workspaces.array(type, dx.shape());
    Attention attention = Attention.of(attentionShape, type);
    Attention.Gradients dProj = gradients(grad, pre, Workspaces.array(type, b, d), dk, dv);
    attention.backwardReadoutQuery(
        c.projections,
        c.attention,
        outputBackward(p, grad, pre, c, dLast, Workspaces.array(type, b, d)),
        dProj,
        b);
    mmInto(c.hLast, dProj.q(), grad.get(pre + "attn.wq"), true, false);
    keyValueBackward(p, grad, pre, c, dProj, dh);
    addAtReadout(mm(dProj.q(), p.get(pre + "attn.wq"), false, true), dh, b);
    LayerNorm.addBackward(
        dh,
        c.ln1,
        p.get(pre + "ln1.gamma"),
        grad.get(pre + "ln1.gamma"),
        grad.get(pre + "ln1.beta"),
        dx);

    INDArray dq = Workspaces.array(type, dx.shape());
    INDArray dHeads = Workspaces.array(type, dx.shape());
    for (int i = top - 1; i >= 0; i--) {
      pre = "layer" + i + ".";
      c = f.layers.get(i);
      mlpBackward(p, grad, pre, c, dx);
      dProj = gradients(grad, pre, dq, dk, dv);
      attention.backward(
          c.projections, c.attention, outputBackward(p, grad, pre, c, dx, dHeads), dProj, b);
      mmInto(c.h, dq, grad.get(pre + "attn.wq"), true, false);
      keyValueBackward(p, grad, pre, c, dProj, dh);
      mmAdd(dq, p.get(pre + "attn.wq"), dh, false, true);
      LayerNorm.addBackward(
          dh,
          c.ln1,
          p.get(pre + "ln1.gamma"),
          grad.get(pre + "ln1.gamma"),
          grad.get(pre + "ln1.beta"),
          dx);
    }
    Embedding.backward(batch.tokens(), dx, grad.get("tok_emb"), grad.get("pos_emb"));
    return loss;
  }

  /** The q, k, v gradient arrays of a block and its bias gradients in {@code grad}. */
  private static Attention.Gradients gradients(
      Params grad, String pre, INDArray dq, INDArray dk, INDArray dv) {
    return new Attention.Gradients(
        dq,
        dk,
        dv,
        grad.get(pre + "attn.bq"),
        grad.get(pre + "attn.bk"),
        grad.get(pre + "attn.bv"));
  }

  /**
   * The MLP's backward, if the model has one, from and into the residual gradient rows {@code dx}.
   */
  private void mlpBackward(Params p, Params grad, String pre, LayerCache c, INDArray dx) {
    if (spec.mlp()) {
      mmInto(c.gelu, dx, grad.get(pre + "mlp.w2"), true, false);
      columnSumsInto(dx, grad.get(pre + "mlp.b2"));
      INDArray dz = mm(dx, p.get(pre + "mlp.w2"), false, true);
      Gelu.backwardInPlace(dz, c.geluSlope);
      mmInto(c.h2, dz, grad.get(pre + "mlp.w1"), true, false);
      columnSumsInto(dz, grad.get(pre + "mlp.b1"));
      INDArray dh2 = mm(dz, p.get(pre + "mlp.w1"), false, true);
      LayerNorm.addBackward(
          dh2,
          c.ln2,
          p.get(pre + "ln2.gamma"),
          grad.get(pre + "ln2.gamma"),
          grad.get(pre + "ln2.beta"),
          dx);
    }
  }

  /**
   * The output projection's weight gradients from the residual gradient {@code dx}; writes
   * d(loss)/d(heads) into {@code dHeads} and returns it.
   */
  private static INDArray outputBackward(
      Params p, Params grad, String pre, LayerCache c, INDArray dx, INDArray dHeads) {
    mmInto(c.heads, dx, grad.get(pre + "attn.wo"), true, false);
    columnSumsInto(dx, grad.get(pre + "attn.bo"));
    mmInto(dx, p.get(pre + "attn.wo"), dHeads, false, true);
    return dHeads;
  }

  /**
   * The key and value weight gradients; writes their part of d(loss)/d(h) at every position into
   * {@code dh}.
   */
  private static void keyValueBackward(
      Params p, Params grad, String pre, LayerCache c, Attention.Gradients d, INDArray dh) {
    mmInto(c.h, d.k(), grad.get(pre + "attn.wk"), true, false);
    mmInto(c.h, d.v(), grad.get(pre + "attn.wv"), true, false);
    mmInto(d.k(), p.get(pre + "attn.wk"), dh, false, true);
    mmAdd(d.v(), p.get(pre + "attn.wv"), dh, false, true);
  }

  /** Mean cross-entropy and the number of correct argmax predictions, without gradients. */
  public static double[] lossAndCorrect(INDArray logits, int[] labels) {
    return SoftmaxCrossEntropy.lossAndCorrect(logits, labels);
  }

  private static INDArray linear(INDArray x, Params p, String w, String b) {
    INDArray y = mm(x, p.get(w), false, false);
    addRowVector(y, p.get(b));
    return y;
  }

  /**
   * The residual stream at each sequence's readout position, {@code [B, d]}: what the readout
   * reads.
   */
  private INDArray readoutRows(INDArray x, int b) {
    int t = spec.seqLen();
    int d = spec.dModel();
    INDArray last = Workspaces.array(x.dataType(), b, d);
    double[] rows = Scratch.get().doubles(0, b * d);
    HostView from = HostView.of(x);
    for (int i = 0; i < b; i++) {
      from.read((i * t + spec.readoutPosition()) * d, rows, i * d, d);
    }
    HostView.of(last).write(rows, 0, 0, b * d);
    return last;
  }

  /** Adds {@code rows [B, d]} to the readout rows of {@code x [B*T, d]}. */
  private void addAtReadout(INDArray rows, INDArray x, int b) {
    int t = spec.seqLen();
    int d = spec.dModel();
    double[] add = Scratch.get().doubles(0, b * d);
    double[] row = Scratch.get().doubles(1, d);
    HostView.of(rows).read(0, add, 0, b * d);
    HostView to = HostView.of(x);
    for (int i = 0; i < b; i++) {
      int at = (i * t + spec.readoutPosition()) * d;
      to.read(at, row, 0, d);
      for (int c = 0; c < d; c++) {
        row[c] += add[i * d + c];
      }
      to.write(row, 0, at, d);
    }
  }

  private void checkBatch(Batch batch) {
    if (batch.seqLen() != spec.seqLen()) {
      throw new IllegalArgumentException(
          "batch has seq_len="
              + batch.seqLen()
              + " but the model was built for seq_len="
              + spec.seqLen());
    }
    for (int tok : batch.tokens()) {
      if (tok < 0 || tok >= spec.vocab()) {
        throw new IllegalArgumentException(
            "token " + tok + " is outside the vocabulary 0.." + (spec.vocab() - 1));
      }
    }
  }
}
