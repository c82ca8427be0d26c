package io.manifoldsweep.record;

/**
 * Metrics at a record step. {@code trainLoss} is the mean over the updates since the previous
 * record (NaN at step 0, before any update). On eval steps a marker cell has {@code eval} (per
 * marker count) and a modular cell {@code split} (the whole train and test splits); both are null
 * on other steps. {@code attention} is empty where the task has no probe sets; {@code intervention}
 * is null for cells without one.
 */
public record MetricsRecord(
    long step,
    double trainLoss,
    EvalResult eval,
    SplitEval split,
    AttentionStats attention,
    InterventionStats intervention) {}
