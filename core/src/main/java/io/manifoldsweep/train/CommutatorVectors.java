package io.manifoldsweep.train;

/** Which coordinates of the commutator delta a run stores. */
public enum CommutatorVectors {
  /** Every live parameter, canonical order. */
  FULL,
  /** The attention blocks {@code layer{i}.{wq,wk,wv,wo}} concatenated in block order. */
  ATTENTION,
  /** Only the scalar summaries. */
  NONE
}
