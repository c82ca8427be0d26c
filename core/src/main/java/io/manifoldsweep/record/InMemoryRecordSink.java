package io.manifoldsweep.record;

import java.util.ArrayList;
import java.util.List;

/** Keeps every record in lists; for tests and short interactive runs. */
public final class InMemoryRecordSink implements RecordSink {
  private final List<SnapshotRecord> snapshots = new ArrayList<>();
  private final List<MetricsRecord> metrics = new ArrayList<>();
  private final List<CommutatorRecord> commutators = new ArrayList<>();
  private final List<CheckpointRecord> checkpoints = new ArrayList<>();

  @Override
  public void snapshot(SnapshotRecord record) {
    snapshots.add(record);
  }

  @Override
  public void metrics(MetricsRecord record) {
    metrics.add(record);
  }

  @Override
  public void commutator(CommutatorRecord record) {
    commutators.add(record);
  }

  @Override
  public void checkpoint(CheckpointRecord record) {
    checkpoints.add(record);
  }

  public List<SnapshotRecord> snapshots() {
    return snapshots;
  }

  public List<MetricsRecord> metrics() {
    return metrics;
  }

  public List<CommutatorRecord> commutators() {
    return commutators;
  }

  public List<CheckpointRecord> checkpoints() {
    return checkpoints;
  }
}
