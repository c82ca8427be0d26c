package io.manifoldsweep.jobs.bench;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import io.manifoldsweep.kernel.Linalg;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.Precision;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GFLOP/s of the training step's projection products, shape by shape, through the model's own gemm
 * call and through OpenBLAS's sgemm for comparison, and the step's gemm floor at those speeds.
 */
final class GemmProbe {
  /**
   * One product shape of the step: {@code op(A) [m x k] times op(B) [k x n]}, {@code perStep}
   * times.
   */
  record Shape(
      String label, String role, int m, int n, int k, boolean transA, boolean transB, int perStep) {
    double flops() {
      return 2.0 * m * n * k;
    }

    /**
     * The forward pass's products are the untransposed ones; both backward kinds transpose an
     * operand.
     */
    boolean forward() {
      return !transA && !transB;
    }
  }

  /** A shape's measured speeds. */
  record Speed(Shape shape, double modelGflops, double openblasGflops) {}

  private GemmProbe() {}

  /**
   * The step's projection products. Per layer four forward (q, k, v, o), four weight-gradient and
   * four input-gradient; the last layer runs its query and output projections at the B last
   * positions only, so two of its four products per kind have B rows (or K = B) instead of B*T.
   */
  static List<Shape> stepShapes(ModelSpec spec, int batch) {
    int rows = batch * spec.seqLen();
    int d = spec.dModel();
    int full = 4 * spec.layers() - 2;
    List<Shape> shapes =
        new java.util.ArrayList<>(
            List.of(
                new Shape("NN", "forward q, k, v, o", rows, d, d, false, false, full),
                new Shape("TN", "weight gradients h^T dq", d, d, rows, true, false, full),
                new Shape("NT", "input gradients dq W^T", rows, d, d, false, true, full),
                new Shape(
                    "NN",
                    "last layer's q, o at the readout positions",
                    batch,
                    d,
                    d,
                    false,
                    false,
                    2),
                new Shape("TN", "their weight gradients", d, d, batch, true, false, 2),
                new Shape("NT", "their input gradients", batch, d, d, false, true, 2)));
    if (spec.mlp()) {
      int h = spec.dMlp();
      int layers = spec.layers() - 1;
      // each MLP's two products, forward and both gradients; the last layer's at the readout only
      for (int[] r : new int[][] {{rows, layers}, {batch, 1}}) {
        if (r[1] == 0) {
          continue;
        }
        String where = r[0] == rows ? "MLP" : "last layer's MLP";
        shapes.add(new Shape("NN", where + " up, h W1", r[0], h, d, false, false, r[1]));
        shapes.add(new Shape("NN", where + " down, z W2", r[0], d, h, false, false, r[1]));
        shapes.add(new Shape("TN", where + " up's weight gradient", d, h, r[0], true, false, r[1]));
        shapes.add(
            new Shape("TN", where + " down's weight gradient", h, d, r[0], true, false, r[1]));
        shapes.add(new Shape("NT", where + " up's input gradient", r[0], d, h, false, true, r[1]));
        shapes.add(
            new Shape("NT", where + " down's input gradient", r[0], h, d, false, true, r[1]));
      }
    }
    return shapes;
  }

  static Speed measure(Shape s, Precision precision, int reps) {
    DataType type = precision.dataType();
    INDArray a = s.transA() ? Nd4j.rand(type, s.k(), s.m()) : Nd4j.rand(type, s.m(), s.k());
    INDArray b = s.transB() ? Nd4j.rand(type, s.n(), s.k()) : Nd4j.rand(type, s.k(), s.n());
    INDArray c = Nd4j.create(type, s.m(), s.n());
    Runnable model = () -> Linalg.mmInto(a, b, c, s.transA(), s.transB());
    Runnable openblas = () -> openblasGemm(a, b, c, s);
    return new Speed(s, gflops(model, s, reps), gflops(openblas, s, reps));
  }

  /** Sum over the step's products of their FLOPs at their measured speed, in milliseconds. */
  static double floorMs(List<Speed> speeds) {
    double ms = 0;
    for (Speed sp : speeds) {
      ms += sp.shape().perStep() * sp.shape().flops() / (sp.modelGflops() * 1e9) * 1e3;
    }
    return ms;
  }

  private static double gflops(Runnable gemm, Shape s, int reps) {
    for (int i = 0; i < Math.max(10, reps / 10); i++) {
      gemm.run();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      gemm.run();
    }
    return reps * s.flops() / ((System.nanoTime() - t0) / 1e9) / 1e9;
  }

  private static void openblasGemm(INDArray a, INDArray b, INDArray c, Shape s) {
    int ta = s.transA() ? CblasTrans : CblasNoTrans;
    int tb = s.transB() ? CblasTrans : CblasNoTrans;
    int lda = Math.toIntExact(a.size(1));
    int ldb = Math.toIntExact(b.size(1));
    if (c.dataType() == DataType.FLOAT) {
      cblas_sgemm(
          CblasRowMajor,
          ta,
          tb,
          s.m(),
          s.n(),
          s.k(),
          1f,
          new FloatPointer(a.data().pointer()),
          lda,
          new FloatPointer(b.data().pointer()),
          ldb,
          0f,
          new FloatPointer(c.data().pointer()),
          s.n());
    } else {
      cblas_dgemm(
          CblasRowMajor,
          ta,
          tb,
          s.m(),
          s.n(),
          s.k(),
          1.0,
          new DoublePointer(a.data().pointer()),
          lda,
          new DoublePointer(b.data().pointer()),
          ldb,
          0.0,
          new DoublePointer(c.data().pointer()),
          s.n());
    }
  }
}
