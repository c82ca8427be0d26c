package io.manifoldsweep.model;

import org.nd4j.linalg.api.buffer.DataType;

/** Floating-point width of parameters and activations. Training uses float32; tests use float64. */
public enum Precision {
  FLOAT32(DataType.FLOAT),
  FLOAT64(DataType.DOUBLE);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  public DataType dataType() {
    return dataType;
  }
}
