package io.manifoldsweep.task;

/** Whether m and the marker positions are drawn per example or once per batch. */
public enum Sampling {
  PER_EXAMPLE,
  /** The public code's behaviour: one m and one set of marker positions shared by a whole batch. */
  PER_BATCH
}
