package io.manifoldsweep.kernel;

import static org.bytedeco.dnnl.global.dnnl.dnnl_sgemm;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dger;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sger;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The matrix products of the model, called on the arrays' memory into a preallocated output:
 * float32 through oneDNN's {@code dnnl_sgemm}, float64 through OpenBLAS's {@code cblas_dgemm} (the
 * library ND4J itself loads); {@link NativeBlas} says why and what each chose for this CPU. ND4J's
 * {@code Nd4j.gemm} reaches OpenBLAS through its matmul op, 15-20% slower on the model's shapes,
 * and {@code mmul}/{@code mmuli} take a path at 8-12 GFLOP/s.
 *
 * <p>Bias broadcasts and column sums are BLAS calls too, against a vector of ones, rather than ND4J
 * ops: each ND4J op registers several native buffers with ND4J's deallocator (an {@code
 * addiRowVector} six, a column sum seven), and every young collection copies that bookkeeping,
 * which stops all tasks of an executor at once.
 */
public final class Linalg {
  private static final byte TRANS = 'T';
  private static final byte NO_TRANS = 'N';

  private Linalg() {}

  /**
   * A c-order reshape. Exists because {@code x.reshape('c', n)} silently binds to {@code
   * reshape(long...)} with the char widened to 99.
   */
  public static INDArray shaped(INDArray x, long... shape) {
    return x.reshape('c', shape);
  }

  /** {@code op(a) @ op(b)} into a new array. */
  public static INDArray mm(INDArray a, INDArray b, boolean transA, boolean transB) {
    long rows = transA ? a.size(1) : a.size(0);
    long cols = transB ? b.size(0) : b.size(1);
    INDArray c = Workspaces.array(a.dataType(), rows, cols);
    gemm(a, b, c, transA, transB, 0.0);
    return c;
  }

  /** {@code c = op(a) @ op(b)}, overwriting c (which may be a view into a flat gradient). */
  public static void mmInto(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
    gemm(a, b, c, transA, transB, 0.0);
  }

  /** {@code c += op(a) @ op(b)}. */
  public static void mmAdd(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
    gemm(a, b, c, transA, transB, 1.0);
  }

  /** {@code c = op(a) @ op(b) + beta * c} on row-major (c-order, contiguous) matrices. */
  private static void gemm(
      INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double beta) {
    int m = Math.toIntExact(c.size(0));
    int n = Math.toIntExact(c.size(1));
    int k = Math.toIntExact(transA ? a.size(0) : a.size(1));
    long expectedB = transB ? b.size(1) : b.size(0);
    if (expectedB != k
        || (transB ? b.size(0) : b.size(1)) != n
        || (transA ? a.size(1) : a.size(0)) != m) {
      throw new IllegalArgumentException(
          "gemm shapes do not chain: "
              + Arrays.toString(a.shape())
              + (transA ? "^T" : "")
              + " x "
              + Arrays.toString(b.shape())
              + (transB ? "^T" : "")
              + " -> "
              + Arrays.toString(c.shape()));
    }
    int lda = Math.toIntExact(a.size(1));
    int ldb = Math.toIntExact(b.size(1));
    long start = System.nanoTime();
    if (c.dataType() == DataType.FLOAT) {
      // oneDNN's sgemm takes row-major operands, as cblas does with CblasRowMajor
      int status =
          dnnl_sgemm(
              transA ? TRANS : NO_TRANS,
              transB ? TRANS : NO_TRANS,
              m,
              n,
              k,
              1f,
              floats(a),
              lda,
              floats(b),
              ldb,
              (float) beta,
              floats(c),
              n);
      if (status != dnnl_success) {
        throw new IllegalStateException(
            "dnnl_sgemm failed with status " + status + " for m=" + m + " n=" + n + " k=" + k);
      }
    } else {
      cblas_dgemm(
          CblasRowMajor,
          transA ? CblasTrans : CblasNoTrans,
          transB ? CblasTrans : CblasNoTrans,
          m,
          n,
          k,
          1.0,
          doubles(a),
          lda,
          doubles(b),
          ldb,
          beta,
          doubles(c),
          n);
    }
    GemmClock.add(System.nanoTime() - start);
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
    boolean rowMajor =
        x.rank() == 2
            && (x.size(1) == 1 || x.stride(1) == 1)
            && (x.size(0) == 1 || x.stride(0) == x.size(1));
    if (!rowMajor) {
      throw new IllegalArgumentException(
          "gemm needs contiguous c-order matrices, got shape "
              + Arrays.toString(x.shape())
              + " order "
              + x.ordering()
              + " strides "
              + Arrays.toString(x.stride()));
    }
  }

  /**
   * Column sums of {@code [rows, cols]} written into {@code out} (length cols), as {@code x^T @
   * ones}. ND4J's {@code sum(0)} walks a c-order matrix with a stride per column and was a third of
   * the step time; gemv reads it once, contiguously.
   */
  public static void columnSumsInto(INDArray x, INDArray out) {
    int rows = Math.toIntExact(x.size(0));
    int cols = Math.toIntExact(x.size(1));
    requireVector(out, cols);
    KernelTraffic.add(
        (long) rows * cols * x.dataType().width(), (long) cols * out.dataType().width());
    if (x.dataType() == DataType.FLOAT) {
      cblas_sgemv(
          CblasRowMajor,
          CblasTrans,
          rows,
          cols,
          1f,
          floats(x),
          cols,
          Ones.floats(rows),
          1,
          0f,
          floatVector(out),
          1);
    } else {
      cblas_dgemv(
          CblasRowMajor,
          CblasTrans,
          rows,
          cols,
          1.0,
          doubles(x),
          cols,
          Ones.doubles(rows),
          1,
          0.0,
          doubleVector(out),
          1);
    }
  }

  /**
   * {@code x[r, :] += bias} for every row, in place, as the rank-one update {@code x += ones
   * bias^T}.
   */
  public static void addRowVector(INDArray x, INDArray bias) {
    int rows = Math.toIntExact(x.size(0));
    int cols = Math.toIntExact(x.size(1));
    requireVector(bias, cols);
    long bytes = (long) rows * cols * x.dataType().width();
    KernelTraffic.add(bytes, bytes);
    if (x.dataType() == DataType.FLOAT) {
      cblas_sger(
          CblasRowMajor,
          rows,
          cols,
          1f,
          Ones.floats(rows),
          1,
          floatVector(bias),
          1,
          floats(x),
          cols);
    } else {
      cblas_dger(
          CblasRowMajor,
          rows,
          cols,
          1.0,
          Ones.doubles(rows),
          1,
          doubleVector(bias),
          1,
          doubles(x),
          cols);
    }
  }

  private static FloatPointer floatVector(INDArray v) {
    return new FloatPointer(v.data().pointer()).position(v.offset());
  }

  private static DoublePointer doubleVector(INDArray v) {
    return new DoublePointer(v.data().pointer()).position(v.offset());
  }

  private static void requireVector(INDArray v, int length) {
    if (v.length() != length || length > 1 && v.elementWiseStride() != 1) {
      throw new IllegalArgumentException(
          "expected a contiguous vector of "
              + length
              + " elements, got shape "
              + Arrays.toString(v.shape())
              + " with element stride "
              + v.elementWiseStride());
    }
  }

  /**
   * Native vectors of ones, one per thread and grow-only, in each precision. They live outside ND4J
   * (plain JavaCPP allocations), so using them registers nothing per call.
   */
  private static final class Ones {
    private static final ThreadLocal<Ones> LOCAL = ThreadLocal.withInitial(Ones::new);

    private FloatPointer floats;
    private DoublePointer doubles;

    static FloatPointer floats(int n) {
      Ones ones = LOCAL.get();
      if (ones.floats == null || ones.floats.capacity() < n) {
        float[] values = new float[n];
        Arrays.fill(values, 1f);
        if (ones.floats != null) {
          ones.floats.close();
        }
        ones.floats = new FloatPointer(values);
      }
      return ones.floats;
    }

    static DoublePointer doubles(int n) {
      Ones ones = LOCAL.get();
      if (ones.doubles == null || ones.doubles.capacity() < n) {
        double[] values = new double[n];
        Arrays.fill(values, 1.0);
        if (ones.doubles != null) {
          ones.doubles.close();
        }
        ones.doubles = new DoublePointer(values);
      }
      return ones.doubles;
    }
  }
}
