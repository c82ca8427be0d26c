package io.manifoldsweep.record;

/**
 * What an intervened run logs at each record (method 9.4): the fraction of its last update inside
 * span(B), {@code |B B^T dtheta| / |dtheta|}, and the L2 norms of the attention matrices and of
 * every other parameter.
 */
public record InterventionStats(double updateInBasis, double attentionNorm, double otherNorm) {}
