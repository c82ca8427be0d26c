package io.manifoldsweep.model;

import static io.manifoldsweep.model.Linalg.bmm;
import static io.manifoldsweep.model.Linalg.columnSumsInto;
import static io.manifoldsweep.model.Linalg.mm;
import static io.manifoldsweep.model.Linalg.mmAdd;
import static io.manifoldsweep.model.Linalg.mmInto;
import static io.manifoldsweep.model.Linalg.shaped;

import io.manifoldsweep.task.Batch;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The pre-LayerNorm transformer of DESIGN section 2 with a hand-written backward pass.
 *
 * <p>Activations are created in whatever ND4J workspace is open when a method is called; callers
 * open one per step (without it ND4J is several times slower and native memory grows without
 * bound). A {@link Forward} is only valid inside the workspace it was computed in.
 */
public final class Transformer {
  /** Added to masked scores; finite so that no inf-inf NaN can arise, large enough that exp is 0. */
  private static final double MASKED = -1e9;

  private final ModelSpec spec;
  private final ParamLayout layout;
  private final double[] causalMask;

  public Transformer(ParamLayout layout) {
    this.layout = layout;
    this.spec = layout.spec();
    int t = spec.seqLen();
    this.causalMask = new double[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        causalMask[i * t + j] = MASKED;
      }
    }
  }

  public ParamLayout layout() {
    return layout;
  }

  /** Activations of one block that its backward pass reads. */
  private static final class LayerCache {
    LayerNorm.Cache ln1;
    INDArray h;
    INDArray q;
    INDArray k;
    INDArray v;
    INDArray attention;
    INDArray heads;
    LayerNorm.Cache ln2;
    INDArray h2;
    INDArray z;
    INDArray phi;
    INDArray gelu;
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

    /** Attention probabilities of a layer, {@code [B, H, T, T]} flattened to {@code [B*H, T, T]}. */
    public INDArray attention(int layer) {
      return layers.get(layer).attention;
    }
  }

  public Forward forward(Params p, Batch batch) {
    checkBatch(batch);
    int b = batch.size();
    int t = spec.seqLen();
    int d = spec.dModel();
    int n = b * t;
    Forward f = new Forward();
    INDArray x = Nd4j.pullRows(p.get("tok_emb"), 1, batch.tokens(), 'c');
    shaped(x, b, (long) t * d).addiRowVector(shaped(p.get("pos_emb"), (long) t * d));
    INDArray mask = Nd4j.createFromArray(causalMask).castTo(x.dataType());
    double scale = 1.0 / Math.sqrt(spec.headDim());
    for (int i = 0; i < spec.layers(); i++) {
      String pre = "layer" + i + ".";
      LayerCache c = new LayerCache();
      LayerNorm.Cache[] ln = new LayerNorm.Cache[1];
      c.h = LayerNorm.forward(x, p.get(pre + "ln1.gamma"), p.get(pre + "ln1.beta"), ln);
      c.ln1 = ln[0];
      c.q = splitHeads(linear(c.h, p, pre + "attn.wq", pre + "attn.bq"), b);
      c.k = splitHeads(linear(c.h, p, pre + "attn.wk", pre + "attn.bk"), b);
      c.v = splitHeads(linear(c.h, p, pre + "attn.wv", pre + "attn.bv"), b);
      INDArray scores = bmm(c.q, c.k, false, true).muli(scale);
      shaped(scores, (long) b * spec.heads(), (long) t * t).addiRowVector(mask);
      softmaxRowsInPlace(shaped(scores, (long) b * spec.heads() * t, t));
      c.attention = scores;
      c.heads = mergeHeads(bmm(scores, c.v, false, false), b);
      x.addi(linear(c.heads, p, pre + "attn.wo", pre + "attn.bo"));
      if (spec.mlp()) {
        c.h2 = LayerNorm.forward(x, p.get(pre + "ln2.gamma"), p.get(pre + "ln2.beta"), ln);
        c.ln2 = ln[0];
        c.z = linear(c.h2, p, pre + "mlp.w1", pre + "mlp.b1");
        c.phi = Nd4j.getExecutioner().exec(new Erf(c.z.mul(Math.sqrt(0.5)))).addi(1.0).muli(0.5);
        c.gelu = c.z.mul(c.phi);
        x.addi(linear(c.gelu, p, pre + "mlp.w2", pre + "mlp.b2"));
      }
      f.layers.add(c);
    }
    f.last = Nd4j.pullRows(x, 1, lastPositions(b), 'c');
    LayerNorm.Cache[] ln = new LayerNorm.Cache[1];
    f.readout = LayerNorm.forward(f.last, p.get("ln_f.gamma"), p.get("ln_f.beta"), ln);
    f.lnF = ln[0];
    f.logits = linear(f.readout, p, "head.w", "head.b");
    return f;
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
    INDArray logProbs = logSoftmaxRows(f.logits);
    INDArray oneHot = oneHot(batch.labels(), spec.classes(), f.logits);
    double loss = -logProbs.mul(oneHot).sumNumber().doubleValue() / b;

    INDArray dLogits = Transforms.exp(logProbs, true).subi(oneHot).divi(b);
    mmInto(f.readout, dLogits, grad.get("head.w"), true, false);
    columnSumsInto(dLogits, grad.get("head.b"));
    INDArray dReadout = mm(dLogits, p.get("head.w"), false, true);
    INDArray dLast =
        LayerNorm.backward(dReadout, f.lnF, p.get("ln_f.gamma"), grad.get("ln_f.gamma"), grad.get("ln_f.beta"));
    INDArray dx = Nd4j.zeros(f.logits.dataType(), (long) b * t, d);
    shaped(dx, b, t, d).get(NDArrayIndex.all(), NDArrayIndex.point(t - 1), NDArrayIndex.all()).assign(dLast);

    double scale = 1.0 / Math.sqrt(spec.headDim());
    for (int i = spec.layers() - 1; i >= 0; i--) {
      String pre = "layer" + i + ".";
      LayerCache c = f.layers.get(i);
      if (spec.mlp()) {
        mmInto(c.gelu, dx, grad.get(pre + "mlp.w2"), true, false);
        columnSumsInto(dx, grad.get(pre + "mlp.b2"));
        INDArray dGelu = mm(dx, p.get(pre + "mlp.w2"), false, true);
        // d gelu/dz = Phi(z) + z * pdf(z)
        INDArray pdf = Transforms.exp(c.z.mul(c.z).muli(-0.5), false).muli(1.0 / Math.sqrt(2 * Math.PI));
        INDArray dz = dGelu.muli(pdf.muli(c.z).addi(c.phi));
        mmInto(c.h2, dz, grad.get(pre + "mlp.w1"), true, false);
        columnSumsInto(dz, grad.get(pre + "mlp.b1"));
        INDArray dh2 = mm(dz, p.get(pre + "mlp.w1"), false, true);
        dx.addi(LayerNorm.backward(dh2, c.ln2, p.get(pre + "ln2.gamma"), grad.get(pre + "ln2.gamma"), grad.get(pre + "ln2.beta")));
      }
      mmInto(c.heads, dx, grad.get(pre + "attn.wo"), true, false);
      columnSumsInto(dx, grad.get(pre + "attn.bo"));
      INDArray dHeads = splitHeads(mm(dx, p.get(pre + "attn.wo"), false, true), b);
      INDArray dAttn = bmm(dHeads, c.v, false, true);
      INDArray dV = mergeHeads(bmm(c.attention, dHeads, true, false), b);
      INDArray a2 = shaped(c.attention, (long) b * spec.heads() * t, t);
      INDArray dA2 = shaped(dAttn, (long) b * spec.heads() * t, t);
      INDArray rowDot = dA2.mul(a2).sum(true, 1);
      dA2.subiColumnVector(rowDot).muli(a2).muli(scale);
      INDArray dQ = mergeHeads(bmm(dAttn, c.k, false, false), b);
      INDArray dK = mergeHeads(bmm(dAttn, c.q, true, false), b);
      INDArray dh = Nd4j.create(dx.dataType(), dx.shape());
      projectionBackward(c.h, dQ, p, grad, pre + "attn.wq", pre + "attn.bq", dh, false);
      projectionBackward(c.h, dK, p, grad, pre + "attn.wk", pre + "attn.bk", dh, true);
      projectionBackward(c.h, dV, p, grad, pre + "attn.wv", pre + "attn.bv", dh, true);
      dx.addi(LayerNorm.backward(dh, c.ln1, p.get(pre + "ln1.gamma"), grad.get(pre + "ln1.gamma"), grad.get(pre + "ln1.beta")));
    }
    columnSumsInto(shaped(dx, b, (long) t * d), shaped(grad.get("pos_emb"), (long) t * d));
    INDArray tokens = Nd4j.create(dx.dataType(), (long) b * t, spec.vocab());
    int[] tok = batch.tokens();
    for (int r = 0; r < tok.length; r++) {
      tokens.putScalar(r, tok[r], 1.0);
    }
    mmInto(tokens, dx, grad.get("tok_emb"), true, false);
    return loss;
  }

  /** Mean cross-entropy and the number of correct argmax predictions, without gradients. */
  public static double[] lossAndCorrect(INDArray logits, int[] labels) {
    INDArray logProbs = logSoftmaxRows(logits);
    double[][] lp = logProbs.toDoubleMatrix();
    double loss = 0;
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      loss -= lp[i][labels[i]];
      int arg = 0;
      for (int c = 1; c < lp[i].length; c++) {
        if (lp[i][c] > lp[i][arg]) {
          arg = c;
        }
      }
      if (arg == labels[i]) {
        correct++;
      }
    }
    return new double[] {loss / labels.length, correct};
  }

  private void projectionBackward(
      INDArray in, INDArray dOut, Params p, Params grad, String w, String bias, INDArray dIn, boolean accumulate) {
    mmInto(in, dOut, grad.get(w), true, false);
    columnSumsInto(dOut, grad.get(bias));
    if (accumulate) {
      mmAdd(dOut, p.get(w), dIn, false, true);
    } else {
      mmInto(dOut, p.get(w), dIn, false, true);
    }
  }

  private static INDArray linear(INDArray x, Params p, String w, String b) {
    return mm(x, p.get(w), false, false).addiRowVector(p.get(b));
  }

  /** {@code [B*T, d]} to {@code [B*H, T, d/H]}: head h takes columns h*d/H .. (h+1)*d/H - 1. */
  private INDArray splitHeads(INDArray x, int b) {
    int t = spec.seqLen();
    int hd = spec.headDim();
    return shaped(shaped(x, b, t, spec.heads(), hd).permute(0, 2, 1, 3).dup('c'), (long) b * spec.heads(), t, hd);
  }

  private INDArray mergeHeads(INDArray x, int b) {
    int t = spec.seqLen();
    return shaped(shaped(x, b, spec.heads(), t, spec.headDim()).permute(0, 2, 1, 3).dup('c'), (long) b * t, spec.dModel());
  }

  private int[] lastPositions(int b) {
    int[] rows = new int[b];
    for (int i = 0; i < b; i++) {
      rows[i] = i * spec.seqLen() + spec.seqLen() - 1;
    }
    return rows;
  }

  private static void softmaxRowsInPlace(INDArray rows) {
    rows.subiColumnVector(rows.max(true, 1));
    Transforms.exp(rows, false);
    rows.diviColumnVector(rows.sum(true, 1));
  }

  private static INDArray logSoftmaxRows(INDArray logits) {
    INDArray z = logits.subColumnVector(logits.max(true, 1));
    INDArray lse = Transforms.log(Transforms.exp(z, true).sum(true, 1), false);
    return z.subiColumnVector(lse);
  }

  private static INDArray oneHot(int[] labels, int classes, INDArray like) {
    INDArray out = Nd4j.zeros(like.dataType(), labels.length, classes);
    for (int i = 0; i < labels.length; i++) {
      out.putScalar(i, labels[i], 1.0);
    }
    return out;
  }

  private void checkBatch(Batch batch) {
    if (batch.seqLen() != spec.seqLen()) {
      throw new IllegalArgumentException(
          "batch has seq_len=" + batch.seqLen() + " but the model was built for seq_len=" + spec.seqLen());
    }
    for (int tok : batch.tokens()) {
      if (tok < 0 || tok >= spec.vocab()) {
        throw new IllegalArgumentException("token " + tok + " is outside the vocabulary 0.." + (spec.vocab() - 1));
      }
    }
  }
}
