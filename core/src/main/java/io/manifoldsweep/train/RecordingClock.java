package io.manifoldsweep.train;

import java.util.function.Supplier;

/**
 * The wall time a run spends recording: evaluation, attention and commutator probes, and handing
 * records to the sink. Measured inside the run, it is the recording's cost on the machine the cell
 * ran on, where comparing a recorded cell with a bare one needs two runs on a quiet host.
 */
final class RecordingClock {
  private long nanos;

  /** Starts from the seconds earlier attempts of the run recorded. */
  RecordingClock(double earlierSeconds) {
    this.nanos = Math.round(earlierSeconds * 1e9);
  }

  <T> T time(Supplier<T> pass) {
    long t0 = System.nanoTime();
    try {
      return pass.get();
    } finally {
      nanos += System.nanoTime() - t0;
    }
  }

  void time(Runnable pass) {
    time(
        () -> {
          pass.run();
          return null;
        });
  }

  double seconds() {
    return nanos / 1e9;
  }
}
