package io.manifoldsweep.train;

/** Told about a run's progress after recorded steps; must be cheap and must not throw. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (step, totalSteps, trainLoss) -> {};

  void onProgress(long step, long totalSteps, double trainLoss);
}
