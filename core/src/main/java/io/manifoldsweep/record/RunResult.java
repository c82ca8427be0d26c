package io.manifoldsweep.record;

import java.util.List;

/**
 * How a run ended. {@code finalEvalAccuracy} is pooled over all marker counts at the last
 * evaluation (NaN if none happened); {@code recordingSeconds} is the part of {@code wallSeconds}
 * spent recording (eval, attention and commutator probes, the sink's writes); both count every
 * attempt of the run. {@code message} explains a non-ok status; {@code resumedFrom} lists the steps
 * the run was resumed from, and {@code stepsTrained} how many steps the last attempt trained
 * itself.
 */
public record RunResult(
    RunStatus status,
    long stepsDone,
    double wallSeconds,
    double recordingSeconds,
    double finalEvalAccuracy,
    String message,
    List<Long> resumedFrom,
    long stepsTrained) {
  public RunResult {
    resumedFrom = List.copyOf(resumedFrom);
  }

  /** A run that ended before training anything (a failure). */
  public static RunResult failed(double wallSeconds, String message) {
    return new RunResult(RunStatus.FAILED, 0, wallSeconds, 0, Double.NaN, message, List.of(), 0);
  }
}
