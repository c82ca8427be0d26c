package io.manifoldsweep.model;

/** Which keys each query attends to. */
public enum AttentionMask {
  /** Keys up to the query's own position (the first paper's model). */
  CAUSAL,
  /** Every key (nn.TransformerEncoder without a mask: the follow-up's model). */
  BIDIRECTIONAL
}
