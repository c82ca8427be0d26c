package io.manifoldsweep.record;

/** The whole flat parameter vector at a checkpoint step, in canonical order, as float32. */
public record CheckpointRecord(long step, float[] params) {}
