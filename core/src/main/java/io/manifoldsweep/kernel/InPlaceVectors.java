package io.manifoldsweep.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loads and stores on ND4J's native memory, where it lies. The Vector API spells them per
 * JDK: {@code fromByteBuffer} in Java 17 and 18, {@code fromMemorySegment} from Java 19 on, which
 * dropped the ByteBuffer ones. The project compiles for Java 17, so it binds whichever this JVM has
 * through method handles in static finals, which C2 inlines as it would direct calls (measured on
 * JDK 17 and 25). A JVM that offers neither gets loads and stores element by element: slower, same
 * values.
 */
final class InPlaceVectors {
  private static final MethodHandle MEMORY;
  private static final MethodHandle LOAD_FLOATS;
  private static final MethodHandle STORE_FLOATS;
  private static final MethodHandle LOAD_DOUBLES;
  private static final MethodHandle STORE_DOUBLES;

  /** How this JVM's loads and stores are bound, for the benchmarks' report. */
  static final String BINDING;

  static {
    MethodHandle[] handles;
    String binding;
    try {
      handles =
          bind(
              ByteBuffer.class,
              "fromByteBuffer",
              "intoByteBuffer",
              int.class,
              MethodHandles.identity(ByteBuffer.class));
      binding = "in place, through the Vector API's ByteBuffer loads and stores";
    } catch (Throwable noByteBuffers) {
      try {
        Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
        MethodHandle ofBuffer =
            MethodHandles.publicLookup()
                .findStatic(segment, "ofBuffer", MethodType.methodType(segment, Buffer.class));
        handles = bind(segment, "fromMemorySegment", "intoMemorySegment", long.class, ofBuffer);
        binding = "in place, through the Vector API's MemorySegment loads and stores";
      } catch (Throwable noSegments) {
        handles = elementwise();
        binding =
            "element by element (this JVM's Vector API loads and stores neither ByteBuffers nor MemorySegments)";
      }
    }
    MEMORY = handles[0];
    LOAD_FLOATS = handles[1];
    STORE_FLOATS = handles[2];
    LOAD_DOUBLES = handles[3];
    STORE_DOUBLES = handles[4];
    BINDING = binding;
  }

  private InPlaceVectors() {}

  /** What the loads and stores take for {@code bytes}: the buffer itself or a segment over it. */
  static Object memory(ByteBuffer bytes) {
    try {
      return (Object) MEMORY.invokeExact(bytes);
    } catch (Throwable t) {
      throw rethrown(t);
    }
  }

  static FloatVector loadFloats(VectorSpecies<Float> lanes, Object memory, int byteOffset) {
    try {
      return (FloatVector) LOAD_FLOATS.invokeExact(lanes, memory, byteOffset);
    } catch (Throwable t) {
      throw rethrown(t);
    }
  }

  static void storeFloats(FloatVector v, Object memory, int byteOffset) {
    try {
      STORE_FLOATS.invokeExact(v, memory, byteOffset);
    } catch (Throwable t) {
      throw rethrown(t);
    }
  }

  static DoubleVector loadDoubles(VectorSpecies<Double> lanes, Object memory, int byteOffset) {
    try {
      return (DoubleVector) LOAD_DOUBLES.invokeExact(lanes, memory, byteOffset);
    } catch (Throwable t) {
      throw rethrown(t);
    }
  }

  static void storeDoubles(DoubleVector v, Object memory, int byteOffset) {
    try {
      STORE_DOUBLES.invokeExact(v, memory, byteOffset);
    } catch (Throwable t) {
      throw rethrown(t);
    }
  }

  /**
   * The five handles (memory, float load and store, double load and store) for the Vector API's
   * methods named {@code load} and {@code store} on {@code memoryType}, offsets of {@code
   * offsetType}, in native byte order; each is tried once on a small buffer, so that a method
   * present but unusable here (a preview API on Java 19 to 21) falls through to the next binding.
   */
  private static MethodHandle[] bind(
      Class<?> memoryType, String load, String store, Class<?> offsetType, MethodHandle memory)
      throws Throwable {
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    MethodHandle[] handles = new MethodHandle[5];
    handles[0] = memory.asType(MethodType.methodType(Object.class, ByteBuffer.class));
    int i = 1;
    for (Class<?> vector : new Class<?>[] {FloatVector.class, DoubleVector.class}) {
      MethodHandle l =
          lookup.findStatic(
              vector,
              load,
              MethodType.methodType(
                  vector, VectorSpecies.class, memoryType, offsetType, ByteOrder.class));
      MethodHandle s =
          lookup.findVirtual(
              vector,
              store,
              MethodType.methodType(void.class, memoryType, offsetType, ByteOrder.class));
      handles[i++] =
          MethodHandles.insertArguments(l, 3, ByteOrder.nativeOrder())
              .asType(MethodType.methodType(vector, VectorSpecies.class, Object.class, int.class));
      handles[i++] =
          MethodHandles.insertArguments(s, 3, ByteOrder.nativeOrder())
              .asType(MethodType.methodType(void.class, vector, Object.class, int.class));
    }
    selfTest(handles);
    return handles;
  }

  /**
   * Loads and stores a vector of each type through {@code h}, and checks the element that came
   * back.
   */
  private static void selfTest(MethodHandle[] h) throws Throwable {
    int width = FloatVector.SPECIES_PREFERRED.vectorByteSize();
    ByteBuffer bytes = ByteBuffer.allocateDirect(2 * width).order(ByteOrder.nativeOrder());
    bytes.putFloat(Float.BYTES, 3f);
    Object memory = (Object) h[0].invokeExact(bytes);
    FloatVector f = (FloatVector) h[1].invokeExact(FloatVector.SPECIES_PREFERRED, memory, 0);
    h[2].invokeExact(f, memory, width);
    DoubleVector d = (DoubleVector) h[3].invokeExact(DoubleVector.SPECIES_PREFERRED, memory, width);
    h[4].invokeExact(d, memory, 0);
    if (f.lane(1) != 3f
        || bytes.getFloat(width + Float.BYTES) != 3f
        || bytes.getFloat(Float.BYTES) != 3f) {
      throw new IllegalStateException("in-place vector loads and stores moved the wrong elements");
    }
  }

  /** The handles of the element-by-element fallback. */
  static MethodHandle[] elementwise() {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      Class<?> c = InPlaceVectors.class;
      return new MethodHandle[] {
        MethodHandles.identity(ByteBuffer.class)
            .asType(MethodType.methodType(Object.class, ByteBuffer.class)),
        lookup.findStatic(
            c,
            "loadFloatsElementwise",
            MethodType.methodType(FloatVector.class, VectorSpecies.class, Object.class, int.class)),
        lookup.findStatic(
            c,
            "storeFloatsElementwise",
            MethodType.methodType(void.class, FloatVector.class, Object.class, int.class)),
        lookup.findStatic(
            c,
            "loadDoublesElementwise",
            MethodType.methodType(
                DoubleVector.class, VectorSpecies.class, Object.class, int.class)),
        lookup.findStatic(
            c,
            "storeDoublesElementwise",
            MethodType.methodType(void.class, DoubleVector.class, Object.class, int.class)),
      };
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static FloatVector loadFloatsElementwise(
      VectorSpecies<?> lanes, Object memory, int byteOffset) {
    ByteBuffer bytes = (ByteBuffer) memory;
    float[] values = new float[lanes.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = bytes.getFloat(byteOffset + i * Float.BYTES);
    }
    return FloatVector.fromArray((VectorSpecies<Float>) lanes, values, 0);
  }

  private static void storeFloatsElementwise(FloatVector v, Object memory, int byteOffset) {
    ByteBuffer bytes = (ByteBuffer) memory;
    float[] values = v.toArray();
    for (int i = 0; i < values.length; i++) {
      bytes.putFloat(byteOffset + i * Float.BYTES, values[i]);
    }
  }

  @SuppressWarnings("unchecked")
  private static DoubleVector loadDoublesElementwise(
      VectorSpecies<?> lanes, Object memory, int byteOffset) {
    ByteBuffer bytes = (ByteBuffer) memory;
    double[] values = new double[lanes.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = bytes.getDouble(byteOffset + i * Double.BYTES);
    }
    return DoubleVector.fromArray((VectorSpecies<Double>) lanes, values, 0);
  }

  private static void storeDoublesElementwise(DoubleVector v, Object memory, int byteOffset) {
    ByteBuffer bytes = (ByteBuffer) memory;
    double[] values = v.toArray();
    for (int i = 0; i < values.length; i++) {
      bytes.putDouble(byteOffset + i * Double.BYTES, values[i]);
    }
  }

  private static RuntimeException rethrown(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }
}
