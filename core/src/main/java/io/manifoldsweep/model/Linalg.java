package io.manifoldsweep.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The matrix products of the model: OpenBLAS's {@code cblas_?gemm} (the library ND4J itself loads)
 * called on the arrays' memory, into a preallocated output. {@code Nd4j.gemm} reaches the same
 * kernels through ND4J's matmul op, 15-20% slower on the model's shapes (measured here), and
 * {@code mmul}/{@code mmuli} take a path at 8-12 GFLOP/s against 73-85.
 */
public final class Linalg {
  private Linalg() {}

  /**
   * A c-order reshape. Exists because {@code x.reshape('c', n)} silently binds to
   * {@code reshape(long...)} with the char widened to 99.
   */
  static INDArray shaped(INDArray x, long... shape) {
    return x.reshape('c', shape);
  }

  /** {@code op(a) @ op(b)} into a new array. */
  static INDArray mm(INDArray a, INDArray b, boolean transA, boolean transB) {
    long rows = transA ? a.size(1) : a.size(0);
    long cols = transB ? b.size(0) : b.size(1);
    INDArray c = Nd4j.createUninitialized(a.dataType(), rows, cols);
    gemm(a, b, c, transA, transB, 0.0);
    return c;
  }

  /** {@code c = op(a) @ op(b)}, overwriting c (which may be a view into a flat gradient). */
  public static void mmInto(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
    gemm(a, b, c, transA, transB, 0.0);
  }

  /** {@code c += op(a) @ op(b)}. */
  static void mmAdd(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
    gemm(a, b, c, transA, transB, 1.0);
  }

  /** {@code c = op(a) @ op(b) + beta * c} on row-major (c-order, contiguous) matrices. */
  private static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double beta) {
    int m = Math.toIntExact(c.size(0));
    int n = Math.toIntExact(c.size(1));
    int k = Math.toIntExact(transA ? a.size(0) : a.size(1));
    long expectedB = transB ? b.size(1) : b.size(0);
    if (expectedB != k || (transB ? b.size(0) : b.size(1)) != n || (transA ? a.size(1) : a.size(0)) != m) {
      throw new IllegalArgumentException("gemm shapes do not chain: " + Arrays.toString(a.shape())
          + (transA ? "^T" : "") + " x " + Arrays.toString(b.shape()) + (transB ? "^T" : "")
          + " -> " + Arrays.toString(c.shape()));
    }
    int lda = Math.toIntExact(a.size(1));
    int ldb = Math.toIntExact(b.size(1));
    int ta = transA ? CblasTrans : CblasNoTrans;
    int tb = transB ? CblasTrans : CblasNoTrans;
    if (c.dataType() == DataType.FLOAT) {
      cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1f, floats(a), lda, floats(b), ldb, (float) beta, floats(c), n);
    } else {
      cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, doubles(a), lda, doubles(b), ldb, beta, doubles(c), n);
    }
  }

  private static FloatPointer floats(INDArray x) {
    checkRowMajor(x);
    return new FloatPointer(x.data().pointer()).position(x.offset());
  }

  private static DoublePointer doubles(INDArray x) {
    checkRowMajor(x);
    return new DoublePointer(x.data().pointer()).position(x.offset());
  }

  private static void checkRowMajor(INDArray x) {
    boolean rowMajor = x.rank() == 2 && (x.size(1) == 1 || x.stride(1) == 1) && (x.size(0) == 1 || x.stride(0) == x.size(1));
    if (!rowMajor) {
      throw new IllegalArgumentException("gemm needs contiguous c-order matrices, got shape "
          + Arrays.toString(x.shape()) + " order " + x.ordering() + " strides " + Arrays.toString(x.stride()));
    }
  }

  /**
   * Column sums of {@code [rows, cols]} written into {@code out} (length cols), as
   * {@code ones[1,rows] @ x}. ND4J's {@code sum(0)} walks a c-order matrix with a stride per column
   * and was a third of the step time; the gemm reads it once, contiguously.
   */
  static void columnSumsInto(INDArray x, INDArray out) {
    INDArray ones = Nd4j.ones(x.dataType(), 1, x.size(0));
    gemm(ones, x, shaped(out, 1, x.size(1)), false, false, 0.0);
  }
}
