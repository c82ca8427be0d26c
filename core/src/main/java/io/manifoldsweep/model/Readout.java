package io.manifoldsweep.model;

/** The position whose final residual stream feeds the last LayerNorm and the head. */
public enum Readout {
  LAST,
  FIRST
}
