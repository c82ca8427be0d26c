package io.manifoldsweep.model;

/** How the initial weights are drawn (method sections 2 and 9.2). */
public enum InitScheme {
  /** PyTorch's defaults for each tensor, every layer its own draw. */
  DEFAULT,
  /**
   * What nn.TransformerEncoder gives: Xavier over the fused q, k, v in-projection, zero attention
   * biases, positional embeddings N(0, 1/d), and every layer a copy of layer 0.
   */
  ENCODER
}
