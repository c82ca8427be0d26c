package io.manifoldsweep.kernel;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Token plus position embedding of {@code [B*T]} tokens ({@link EmbeddingFloat64}), and its
 * gradient as a scatter-add, summed in double for both precisions. Gathering and scattering rows in
 * Java avoids the one-hot {@code [B*T, vocab]} matrix (and its gemm) the gradient would otherwise
 * need. The gradient's rows go through a block of {@link #BLOCK_ROWS} at a time.
 */
public final class Embedding {
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;
  private static final int BLOCK_ROWS = 64;

  private Embedding() {}

  /** {@code x[r] = tokEmb[tokens[r]] + posEmb[r mod T]}, in the arrays' precision. */
  public static void forward(int[] tokens, INDArray tokEmb, INDArray posEmb, INDArray x) {
    if (x.dataType() == DataType.FLOAT) {
      EmbeddingFloat32.forward(tokens, tokEmb, posEmb, x);
    } else {
      EmbeddingFloat64.forward(tokens, tokEmb, posEmb, x);
    }
  }

  /**
   * Overwrites the embedding gradients with the sums of {@code dx}'s rows per token and position.
   */
  public static void backward(int[] tokens, INDArray dx, INDArray dTokEmb, INDArray dPosEmb) {
    int d = Math.toIntExact(dTokEmb.size(1));
    int t = Math.toIntExact(dPosEmb.size(0));
    HostView dxView = HostView.of(dx);
    int tokLength = Math.toIntExact(dTokEmb.length());
    int posLength = Math.toIntExact(dPosEmb.length());
    Scratch scratch = Scratch.get();
    double[] rows = scratch.doubles(0, BLOCK_ROWS * d);
    double[] tok = scratch.doubles(1, tokLength);
    double[] pos = scratch.doubles(2, posLength);
    Arrays.fill(tok, 0, tokLength, 0);
    Arrays.fill(pos, 0, posLength, 0);
    for (int r0 = 0; r0 < tokens.length; r0 += BLOCK_ROWS) {
      int n = Math.min(BLOCK_ROWS, tokens.length - r0);
      dxView.read(r0 * d, rows, 0, n * d);
      for (int r = 0; r < n; r++) {
        addRow(rows, r * d, tok, tokens[r0 + r] * d, d);
        addRow(rows, r * d, pos, ((r0 + r) % t) * d, d);
      }
    }
    HostView.of(dTokEmb).writeAll(tok);
    HostView.of(dPosEmb).writeAll(pos);
  }

  /** {@code dst[dOff..dOff+d) += src[sOff..sOff+d)}. */
  private static void addRow(double[] src, int sOff, double[] dst, int dOff, int d) {
    int c = 0;
    for (; c < LANES.loopBound(d); c += LANES.length()) {
      DoubleVector.fromArray(LANES, src, sOff + c)
          .add(DoubleVector.fromArray(LANES, dst, dOff + c))
          .intoArray(dst, dOff + c);
    }
    for (; c < d; c++) {
      dst[dOff + c] += src[sOff + c];
    }
  }
}
