package io.manifoldsweep.record;

/**
 * Metrics at a snapshot step. {@code trainLoss} is the mean over the updates since the previous
 * record (NaN at step 0, before any update); {@code eval} is null on steps without evaluation.
 */
public record MetricsRecord(
    long step, double trainLoss, EvalResult eval, AttentionStats attention) {}
