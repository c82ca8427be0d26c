package io.manifoldsweep.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exact GELU, z Phi(z) with Phi the standard normal distribution function (PyTorch's default
 * {@code nn.GELU()}), computed in the arrays' precision by {@link GeluFloat64} or its generated
 * float twin.
 */
public final class Gelu {
  private Gelu() {}

  /**
   * Replaces {@code z} by GELU(z) and returns the slope d GELU / dz = Phi(z) + z phi(z) at each
   * element, all the backward pass needs: z itself is not kept.
   */
  public static INDArray applyInPlace(INDArray z) {
    INDArray slope = Workspaces.array(z.dataType(), z.shape());
    if (z.dataType() == DataType.FLOAT) {
      GeluFloat32.apply(z, slope);
    } else {
      GeluFloat64.apply(z, slope);
    }
    return slope;
  }

  /** Turns d(loss)/d(GELU) into d(loss)/dz in place: multiplies it by the slope. */
  public static void backwardInPlace(INDArray dGelu, INDArray slope) {
    if (dGelu.dataType() == DataType.FLOAT) {
      GeluFloat32.backward(dGelu, slope);
    } else {
      GeluFloat64.backward(dGelu, slope);
    }
  }
}
