package io.manifoldsweep.train;

import io.manifoldsweep.record.SplitEval;
import java.util.Optional;

/**
 * A run's early stop (method 9.3): it ends {@code extra_steps} after the eval at which test
 * accuracy was at least the threshold for {@code patience} consecutive evals, and at {@code
 * train.steps} at the latest. Its state travels in resume points.
 */
final class EarlyStop {
  private final Optional<TrainSpec.Stop> rule;
  private final long cap;
  private int run;
  private long at = -1;

  EarlyStop(Optional<TrainSpec.Stop> rule, long cap) {
    this.rule = rule;
    this.cap = cap;
  }

  /** The last step the run trains to. */
  long end() {
    return at < 0 ? cap : at;
  }

  /** Takes the eval of {@code step} into account. */
  void observe(long step, SplitEval split) {
    if (rule.isEmpty() || split == null || at >= 0) {
      return;
    }
    TrainSpec.Stop r = rule.get();
    run = split.testAccuracy() >= r.testAccuracy() ? run + 1 : 0;
    if (run >= r.patience()) {
      at = Math.min(cap, step + r.extraSteps());
    }
  }

  /** Consecutive evals at the threshold so far. */
  int run() {
    return run;
  }

  /** The step the run stops at, or -1 while it has not met the rule. */
  long at() {
    return at;
  }

  void restore(int run, long at) {
    this.run = run;
    this.at = at;
  }
}
