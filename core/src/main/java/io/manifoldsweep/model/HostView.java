package io.manifoldsweep.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between a c-contiguous INDArray (float or double, view or not) and {@code double[]}
 * or {@code float[]}.
 *
 * <p>The model's fused kernels compute in Java on primitive blocks: one pass over memory where a
 * chain of ND4J ops makes one pass per op. The embedding computes in double for both precisions;
 * attention, LayerNorm and AdamW compute in the run's precision from one source each (see
 * {@link AttentionFloat64}), so the float64 golden tests check the code a float32 run uses. Indices
 * are element positions relative to the array's first element.
 */
public abstract sealed class HostView permits HostView.Float32, HostView.Float64 {
  final int base;
  final int length;

  private HostView(INDArray a) {
    boolean contiguous = a.length() <= 1 || a.elementWiseStride() == 1 && (a.rank() <= 1 || a.ordering() == 'c');
    if (!contiguous) {
      throw new IllegalArgumentException("kernel arrays must be c-contiguous, got order " + a.ordering()
          + " with element stride " + a.elementWiseStride());
    }
    this.base = Math.toIntExact(a.offset());
    this.length = Math.toIntExact(a.length());
  }

  public static HostView of(INDArray a) {
    DataType type = a.dataType();
    if (type == DataType.FLOAT) {
      return new Float32(a);
    }
    if (type == DataType.DOUBLE) {
      return new Float64(a);
    }
    throw new IllegalArgumentException("kernel arrays must be FLOAT or DOUBLE, got " + type);
  }

  private static void requireType(INDArray a, DataType expected) {
    if (a.dataType() != expected) {
      throw new IllegalArgumentException("this kernel computes on " + expected + " arrays, got " + a.dataType());
    }
  }

  /** Copies {@code len} elements starting at {@code index} into {@code dst[dstOff..]}. */
  public abstract void read(int index, double[] dst, int dstOff, int len);

  /** Copies {@code src[srcOff..srcOff+len)} to the elements starting at {@code index}. */
  public abstract void write(double[] src, int srcOff, int index, int len);

  /** The NIO buffer spans the whole allocation, so a range past this array would touch its neighbours. */
  final void checkRange(int index, int len) {
    if (index < 0 || len < 0 || index + len > length) {
      throw new IndexOutOfBoundsException("elements " + index + ".." + (index + len) + " of an array of " + length);
    }
  }

  /** The whole array into {@code dst[0..length)}; dst may be longer (a {@link Scratch} buffer). */
  public void readAll(double[] dst) {
    read(0, dst, 0, length);
  }

  /** The whole array from {@code src[0..length)}; src may be longer. */
  public void writeAll(double[] src) {
    write(src, 0, 0, length);
  }

  public static final class Float32 extends HostView {
    /*
     * Conversions a vector at a time run four times faster than the scalar loop (measured here).
     * They use the kernels' own species, one float vector to two double vectors: a second float
     * vector shape (a half-width one, converted one to one) in the program sometimes left C2 unable
     * to bind the kernels' vector calls statically, and then they ran boxed, allocating gigabytes
     * per run and a fifth slower.
     */
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int HALF = DOUBLES.length();
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(FLOATS, -1L << HALF);
    /** Conversion buffers, one per thread and grow-only, for the same reason as {@link Scratch}. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);
    private final FloatBuffer buffer;

    private Float32(INDArray a) {
      super(a);
      this.buffer = a.data().asNioFloat();
    }

    @Override
    public void read(int index, double[] dst, int dstOff, int len) {
      checkRange(index, len);
      KernelTraffic.add(Float.BYTES * (long) len, 0);
      float[] s = scratch(len);
      buffer.get(base + index, s, 0, len);
      int i = 0;
      for (; i < FLOATS.loopBound(len); i += FLOATS.length()) {
        FloatVector f = FloatVector.fromArray(FLOATS, s, i);
        ((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 0)).intoArray(dst, dstOff + i);
        ((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 1)).intoArray(dst, dstOff + i + HALF);
      }
      for (; i < len; i++) {
        dst[dstOff + i] = s[i];
      }
    }

    @Override
    public void write(double[] src, int srcOff, int index, int len) {
      checkRange(index, len);
      KernelTraffic.add(0, Float.BYTES * (long) len);
      float[] s = scratch(len);
      int i = 0;
      for (; i < FLOATS.loopBound(len); i += FLOATS.length()) {
        FloatVector lower = (FloatVector) DoubleVector.fromArray(DOUBLES, src, srcOff + i).convertShape(VectorOperators.D2F, FLOATS, 0);
        FloatVector upper = (FloatVector) DoubleVector.fromArray(DOUBLES, src, srcOff + i + HALF).convertShape(VectorOperators.D2F, FLOATS, -1);
        lower.blend(upper, UPPER_HALF).intoArray(s, i);
      }
      for (; i < len; i++) {
        s[i] = (float) src[srcOff + i];
      }
      buffer.put(base + index, s, 0, len);
    }

    /** A view of a FLOAT array, for kernels that compute in float. */
    public static Float32 view(INDArray a) {
      requireType(a, DataType.FLOAT);
      return new Float32(a);
    }

    /** As {@link #read(int, double[], int, int)}, into floats: a plain copy. */
    public void read(int index, float[] dst, int dstOff, int len) {
      checkRange(index, len);
      KernelTraffic.add(Float.BYTES * (long) len, 0);
      buffer.get(base + index, dst, dstOff, len);
    }

    /** As {@link #write(double[], int, int, int)}, from floats. */
    public void write(float[] src, int srcOff, int index, int len) {
      checkRange(index, len);
      KernelTraffic.add(0, Float.BYTES * (long) len);
      buffer.put(base + index, src, srcOff, len);
    }

    void readAll(float[] dst) {
      read(0, dst, 0, length);
    }

    void writeAll(float[] src) {
      write(src, 0, 0, length);
    }

    private static float[] scratch(int len) {
      float[][] holder = SCRATCH.get();
      if (holder[0].length < len) {
        holder[0] = new float[len];
      }
      return holder[0];
    }
  }

  public static final class Float64 extends HostView {
    private final DoubleBuffer buffer;

    private Float64(INDArray a) {
      super(a);
      this.buffer = a.data().asNioDouble();
    }

    /** A view of a DOUBLE array, for kernels that compute in double. */
    public static Float64 view(INDArray a) {
      requireType(a, DataType.DOUBLE);
      return new Float64(a);
    }

    @Override
    public void read(int index, double[] dst, int dstOff, int len) {
      checkRange(index, len);
      KernelTraffic.add(Double.BYTES * (long) len, 0);
      buffer.get(base + index, dst, dstOff, len);
    }

    @Override
    public void write(double[] src, int srcOff, int index, int len) {
      checkRange(index, len);
      KernelTraffic.add(0, Double.BYTES * (long) len);
      buffer.put(base + index, src, srcOff, len);
    }
  }
}
