package io.manifoldsweep.record;

/** Where a training run writes what it records, in step order. */
public interface RecordSink {
  void snapshot(SnapshotRecord record);

  void metrics(MetricsRecord record);

  void commutator(CommutatorRecord record);

  void checkpoint(CheckpointRecord record);
}
