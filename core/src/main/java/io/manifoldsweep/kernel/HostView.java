package io.manifoldsweep.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * Access from Java to a c-contiguous INDArray (float or double, view or not): bulk copies to and
 * from {@code double[]} or {@code float[]}, and, for kernels that stream through an array once,
 * vector loads and stores in place. In place saves the copies' passes over memory; the step's
 * activations are too large to stay in cache, so each pass costs a trip to L3 or DRAM (in place,
 * AdamW's update over a cold working set took 0.35 ms where copying chunks through the heap took
 * 0.77 on a Zen 4 EPYC). Kernels that load a block once and then use it many times (attention's)
 * copy it, as loads from an NIO buffer cost more than from an array; and a loop that loads and
 * stores the same buffer ran at half speed, so read-modify-write goes through a heap block.
 *
 * <p>The model's fused kernels compute in Java on primitive blocks: one pass over memory where a
 * chain of ND4J ops makes one pass per op. The embedding's gradient sums in double for both
 * precisions; attention, LayerNorm, AdamW and the embedding's forward pass compute in the run's
 * precision from one source each (see {@link AttentionFloat64}), so the float64 golden tests check
 * the code a float32 run uses. Indices are element positions relative to the array's first element.
 */
public abstract sealed class HostView permits HostView.Float32, HostView.Float64 {
  final int base;
  final int length;
  private final long elementBytes;

  private HostView(INDArray a) {
    boolean contiguous =
        a.length() <= 1 || a.elementWiseStride() == 1 && (a.rank() <= 1 || a.ordering() == 'c');
    if (!contiguous) {
      throw new IllegalArgumentException(
          "kernel arrays must be c-contiguous, got order "
              + a.ordering()
              + " with element stride "
              + a.elementWiseStride());
    }
    this.base = Math.toIntExact(a.offset());
    this.length = Math.toIntExact(a.length());
    this.elementBytes = a.dataType().width();
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
      throw new IllegalArgumentException(
          "this kernel computes on " + expected + " arrays, got " + a.dataType());
    }
  }

  /** Copies {@code len} elements starting at {@code index} into {@code dst[dstOff..]}. */
  public abstract void read(int index, double[] dst, int dstOff, int len);

  /** Copies {@code src[srcOff..srcOff+len)} to the elements starting at {@code index}. */
  public abstract void write(double[] src, int srcOff, int index, int len);

  /**
   * The NIO buffer spans the whole allocation, so a range past this array would touch its
   * neighbours.
   */
  private void checkRange(int index, int len) {
    if (index < 0 || len < 0 || index + len > length) {
      throw new IndexOutOfBoundsException(
          "elements " + index + ".." + (index + len) + " of an array of " + length);
    }
  }

  /**
   * Checks and counts a range about to be read: by a copy, or by a kernel's loads in place ({@code
   * load}, {@code get}), which the buffer, spanning the whole allocation, would let run into the
   * array's neighbours.
   */
  public final void reading(int index, int len) {
    checkRange(index, len);
    KernelTraffic.add(elementBytes * len, 0);
  }

  /** As {@link #reading}, for a range about to be written. */
  public final void writing(int index, int len) {
    checkRange(index, len);
    KernelTraffic.add(0, elementBytes * len);
  }

  /** How the in-place loads and stores are bound on this JVM, for the benchmarks' report. */
  public static String inPlaceAccess() {
    return InPlaceVectors.BINDING;
  }

  /** The whole array into {@code dst[0..length)}; dst may be longer (a {@link Scratch} buffer). */
  public void readAll(double[] dst) {
    read(0, dst, 0, length);
  }

  /** The whole array from {@code src[0..length)}; src may be longer. */
  public void writeAll(double[] src) {
    write(src, 0, 0, length);
  }

  /**
   * The sum of the elements' squares, in double at any precision and in one fixed order (four
   * vector accumulators, then their lanes from lane 0 up, not by {@code reduceLanes}, whose order
   * the Vector API leaves open), so that it comes out the same on every run.
   */
  public double sumOfSquares() {
    VectorSpecies<Double> lanes = DoubleVector.SPECIES_PREFERRED;
    int block = 64 * lanes.length();
    double[] chunk = Scratch.get().doubles(0, block);
    DoubleVector a0 = DoubleVector.zero(lanes);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    double tail = 0;
    for (int from = 0; from < length; from += block) {
      int len = Math.min(block, length - from);
      read(from, chunk, 0, len);
      int bound = len / (4 * lanes.length()) * (4 * lanes.length());
      int i = 0;
      for (; i < bound; i += 4 * lanes.length()) {
        DoubleVector x0 = DoubleVector.fromArray(lanes, chunk, i);
        DoubleVector x1 = DoubleVector.fromArray(lanes, chunk, i + lanes.length());
        DoubleVector x2 = DoubleVector.fromArray(lanes, chunk, i + 2 * lanes.length());
        DoubleVector x3 = DoubleVector.fromArray(lanes, chunk, i + 3 * lanes.length());
        a0 = x0.fma(x0, a0);
        a1 = x1.fma(x1, a1);
        a2 = x2.fma(x2, a2);
        a3 = x3.fma(x3, a3);
      }
      for (; i < len; i++) {
        tail += chunk[i] * chunk[i];
      }
    }
    a0.add(a1).add(a2.add(a3)).intoArray(chunk, 0);
    double sum = tail;
    for (int l = 0; l < lanes.length(); l++) {
      sum += chunk[l];
    }
    return sum;
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
    private final FloatBuffer buffer;
    private final ByteBuffer bytes;

    /** {@code bytes} as {@link InPlaceVectors} takes it. */
    private final Object memory;

    private Float32(INDArray a) {
      super(a);
      this.bytes = a.data().asNio().order(ByteOrder.nativeOrder());
      this.buffer = bytes.asFloatBuffer();
      this.memory = InPlaceVectors.memory(bytes);
    }

    /**
     * The vector of elements from {@code index}, read where ND4J keeps them (see {@link #reading}).
     */
    public FloatVector load(VectorSpecies<Float> lanes, int index) {
      return InPlaceVectors.loadFloats(lanes, memory, (base + index) * Float.BYTES);
    }

    /** Stores {@code v} at the elements from {@code index}, where ND4J keeps them. */
    public void store(FloatVector v, int index) {
      InPlaceVectors.storeFloats(v, memory, (base + index) * Float.BYTES);
    }

    public float get(int index) {
      return bytes.getFloat((base + index) * Float.BYTES);
    }

    public void set(int index, float value) {
      bytes.putFloat((base + index) * Float.BYTES, value);
    }

    @Override
    public void read(int index, double[] dst, int dstOff, int len) {
      reading(index, len);
      int i = 0;
      for (; i < FLOATS.loopBound(len); i += FLOATS.length()) {
        FloatVector f = load(FLOATS, index + i);
        ((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 0)).intoArray(dst, dstOff + i);
        ((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 1))
            .intoArray(dst, dstOff + i + HALF);
      }
      for (; i < len; i++) {
        dst[dstOff + i] = get(index + i);
      }
    }

    @Override
    public void write(double[] src, int srcOff, int index, int len) {
      writing(index, len);
      int i = 0;
      for (; i < FLOATS.loopBound(len); i += FLOATS.length()) {
        FloatVector lower =
            (FloatVector)
                DoubleVector.fromArray(DOUBLES, src, srcOff + i)
                    .convertShape(VectorOperators.D2F, FLOATS, 0);
        FloatVector upper =
            (FloatVector)
                DoubleVector.fromArray(DOUBLES, src, srcOff + i + HALF)
                    .convertShape(VectorOperators.D2F, FLOATS, -1);
        store(lower.blend(upper, UPPER_HALF), index + i);
      }
      for (; i < len; i++) {
        set(index + i, (float) src[srcOff + i]);
      }
    }

    /** A view of a FLOAT array, for kernels that compute in float. */
    public static Float32 view(INDArray a) {
      requireType(a, DataType.FLOAT);
      return new Float32(a);
    }

    /** As {@link #read(int, double[], int, int)}, into floats: a plain copy. */
    public void read(int index, float[] dst, int dstOff, int len) {
      reading(index, len);
      buffer.get(base + index, dst, dstOff, len);
    }

    /** As {@link #write(double[], int, int, int)}, from floats. */
    public void write(float[] src, int srcOff, int index, int len) {
      writing(index, len);
      buffer.put(base + index, src, srcOff, len);
    }

    void readAll(float[] dst) {
      read(0, dst, 0, length);
    }

    void writeAll(float[] src) {
      write(src, 0, 0, length);
    }
  }

  public static final class Float64 extends HostView {
    private final DoubleBuffer buffer;
    private final ByteBuffer bytes;

    /** {@code bytes} as {@link InPlaceVectors} takes it. */
    private final Object memory;

    private Float64(INDArray a) {
      super(a);
      this.bytes = a.data().asNio().order(ByteOrder.nativeOrder());
      this.buffer = bytes.asDoubleBuffer();
      this.memory = InPlaceVectors.memory(bytes);
    }

    /**
     * The vector of elements from {@code index}, read where ND4J keeps them (see {@link #reading}).
     */
    public DoubleVector load(VectorSpecies<Double> lanes, int index) {
      return InPlaceVectors.loadDoubles(lanes, memory, (base + index) * Double.BYTES);
    }

    /** Stores {@code v} at the elements from {@code index}, where ND4J keeps them. */
    public void store(DoubleVector v, int index) {
      InPlaceVectors.storeDoubles(v, memory, (base + index) * Double.BYTES);
    }

    public double get(int index) {
      return bytes.getDouble((base + index) * Double.BYTES);
    }

    public void set(int index, double value) {
      bytes.putDouble((base + index) * Double.BYTES, value);
    }

    /** A view of a DOUBLE array, for kernels that compute in double. */
    public static Float64 view(INDArray a) {
      requireType(a, DataType.DOUBLE);
      return new Float64(a);
    }

    @Override
    public void read(int index, double[] dst, int dstOff, int len) {
      reading(index, len);
      buffer.get(base + index, dst, dstOff, len);
    }

    @Override
    public void write(double[] src, int srcOff, int index, int len) {
      writing(index, len);
      buffer.put(base + index, src, srcOff, len);
    }
  }
}
