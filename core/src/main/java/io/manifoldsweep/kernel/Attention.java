package io.manifoldsweep.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-head self-attention, causal or bidirectional, forward and backward, fused into one pass per
 * batch element: {@link AttentionFloat64} computes in double, {@code AttentionFloat32} (generated
 * from it) in float.
 */
public interface Attention {
  /** The queries, keys and values of one layer, their biases added. */
  record Projections(INDArray q, INDArray k, INDArray v) {}

  /** Where a backward pass writes d(loss)/d(q, k, v) and the gradients of their biases. */
  record Gradients(INDArray q, INDArray k, INDArray v, INDArray bq, INDArray bk, INDArray bv) {}

  /**
   * The shape of one layer's attention: positions, heads, the residual width they split, whether
   * each query sees only the keys up to its own position (the causal mask), and the position the
   * readout reads, whose query the last block computes alone.
   */
  record Shape(int seqLen, int heads, int dModel, boolean causal, int readout) {
    public int headDim() {
      return dModel / heads;
    }

    /** The keys the readout query sees. */
    public int readoutKeys() {
      return causal ? readout + 1 : seqLen;
    }
  }

  /** The instantiation that computes in {@code type}, the type of the arrays it is given. */
  static Attention of(Shape spec, DataType type) {
    return switch (type) {
      case FLOAT -> new AttentionFloat32(spec);
      case DOUBLE -> new AttentionFloat64(spec);
      default ->
          throw new IllegalArgumentException("attention computes in FLOAT or DOUBLE, got " + type);
    };
  }

  /**
   * Writes the attention probabilities {@code att [B*H, T, T]} transposed, key j by query i (zero
   * where j > i under the causal mask), and the concatenated head outputs {@code out [B*T, d]}.
   */
  void forward(Projections in, INDArray att, INDArray out, int batch);

  /**
   * Given d(loss)/d(out) in {@code [B*T, d]}, writes d(loss)/d(q, k, v) into {@code grads.q(), k(),
   * v()} and the bias gradients (their column sums) into {@code grads.bq(), bk(), bv()}.
   */
  void backward(Projections in, INDArray att, INDArray dOut, Gradients grads, int batch);

  /**
   * The attention of each sequence's readout position alone, for passes that only read the readout:
   * {@code in.q()} holds the B readout queries {@code [B, d]}, {@code in.k()} and {@code in.v()}
   * every position {@code [B*T, d]}. Writes the readout query's probabilities {@code att [B*H, T]}
   * (zero for keys it does not see) and its concatenated head outputs {@code out [B, d]}.
   */
  void forwardReadoutQuery(Projections in, INDArray att, INDArray out, int batch);

  /**
   * The backward pass of {@link #forwardReadoutQuery}: given d(loss)/d(out) {@code [B, d]}, writes
   * d(loss)/d(q) {@code [B, d]} and d(loss)/d(k, v) {@code [B*T, d]} into {@code grads.q(), k(),
   * v()} and the bias gradients into {@code grads.bq(), bk(), bv()}.
   */
  void backwardReadoutQuery(
      Projections in, INDArray att, INDArray dOut, Gradients grads, int batch);
}
