package io.manifoldsweep.train;

/** Told where a run starts and how it advances; must be cheap and must not throw. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (step, totalSteps, trainLoss) -> {};

  /**
   * Before the first step this attempt trains: {@code firstStep} is 0, or the step a resume point
   * restored, so that a rate counts only the steps this attempt trained.
   */
  default void onStart(long firstStep, long totalSteps) {}

  /** After a recorded step, with the mean training loss over the steps since the last report. */
  void onProgress(long step, long totalSteps, double trainLoss);
}
