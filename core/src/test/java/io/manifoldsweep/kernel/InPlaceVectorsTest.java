package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The loads and stores bound for this JVM, and the element-by-element ones a JVM without them gets,
 * move the same elements: the fallback never runs on the JDKs installed here unless tested
 * directly.
 */
class InPlaceVectorsTest {
  @Test
  void thisJvmGetsLoadsAndStoresInPlace() {
    assertThat(InPlaceVectors.BINDING).startsWith("in place");
  }

  @Test
  void theElementwiseFallbackMovesWhatTheBoundLoadsAndStoresMove() throws Throwable {
    int fw = FloatVector.SPECIES_PREFERRED.vectorByteSize();
    ByteBuffer bound = filled(3 * fw);
    ByteBuffer fallback = filled(3 * fw);
    MethodHandle[] elementwise = InPlaceVectors.elementwise();
    Object boundMemory = InPlaceVectors.memory(bound);
    Object fallbackMemory = (Object) elementwise[0].invokeExact(fallback);

    FloatVector f =
        InPlaceVectors.loadFloats(FloatVector.SPECIES_PREFERRED, boundMemory, Float.BYTES);
    FloatVector g =
        (FloatVector)
            elementwise[1].invokeExact(FloatVector.SPECIES_PREFERRED, fallbackMemory, Float.BYTES);
    assertThat(g.toArray()).containsExactly(f.toArray());
    InPlaceVectors.storeFloats(f.neg(), boundMemory, fw + Float.BYTES);
    elementwise[2].invokeExact(g.neg(), fallbackMemory, fw + Float.BYTES);

    DoubleVector d =
        InPlaceVectors.loadDoubles(DoubleVector.SPECIES_PREFERRED, boundMemory, Double.BYTES);
    DoubleVector e =
        (DoubleVector)
            elementwise[3].invokeExact(
                DoubleVector.SPECIES_PREFERRED, fallbackMemory, Double.BYTES);
    assertThat(e.toArray()).containsExactly(d.toArray());
    InPlaceVectors.storeDoubles(d.mul(2), boundMemory, 2 * fw);
    elementwise[4].invokeExact(e.mul(2), fallbackMemory, 2 * fw);

    assertThat(bytes(fallback)).containsExactly(bytes(bound));
    assertThat(bound.getFloat(fw + Float.BYTES)).isEqualTo(-bound.getFloat(Float.BYTES));
  }

  private static ByteBuffer filled(int size) {
    ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    for (int i = 0; i < size / Float.BYTES; i++) {
      b.putFloat(i * Float.BYTES, i + 0.5f);
    }
    return b;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.capacity()];
    b.get(0, out);
    return out;
  }
}
