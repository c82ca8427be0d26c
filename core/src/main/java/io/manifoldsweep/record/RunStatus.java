package io.manifoldsweep.record;

/** Outcome of a run. A diverged run is data, not an error. */
public enum RunStatus {
  OK,
  DIVERGED,
  FAILED;

  /** The lower-case word stored in the {@code runs} table. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
