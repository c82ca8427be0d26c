package io.manifoldsweep.record;

/**
 * One weight matrix at one step, float32 row-major. Block {@code params} is the whole flat vector.
 */
public record SnapshotRecord(long step, String block, float[] values) {}
