package io.manifoldsweep.task;

/** Which task a cell trains on. */
public enum TaskKind {
  /** Marker modular arithmetic (DESIGN section 1), the first paper's. */
  MARKER,
  /** All pairs (a, b) of a binary operation mod p, split once into train and test (DESIGN 9.1). */
  MODULAR
}
