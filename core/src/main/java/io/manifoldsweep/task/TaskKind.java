package io.manifoldsweep.task;

/** Which task a cell trains on. */
public enum TaskKind {
  /** Marker modular arithmetic (method section 1), the first paper's. */
  MARKER,
  /** All pairs (a, b) of a binary operation mod p, split once into train and test (method 9.1). */
  MODULAR
}
