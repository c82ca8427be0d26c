package io.manifoldsweep.record;

/**
 * How a run ended. {@code finalEvalAccuracy} is pooled over all marker counts at the last
 * evaluation (NaN if none happened); {@code message} explains a non-ok status.
 */
public record RunResult(RunStatus status, long stepsDone, double wallSeconds, double finalEvalAccuracy, String message) {}
