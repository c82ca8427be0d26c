package io.manifoldsweep.task;

/** How the number of markers is chosen over training. */
public enum Schedule {
  /** m uniform in [min, max] for every example (or every batch, see {@link Sampling}). */
  MIXED,
  /** m = min, min+1, ..., max in equal consecutive stages of training. */
  CURRICULUM
}
