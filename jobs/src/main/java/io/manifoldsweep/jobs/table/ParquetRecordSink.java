package io.manifoldsweep.jobs.table;

import io.manifoldsweep.record.AttentionStats;
import io.manifoldsweep.record.CheckpointRecord;
import io.manifoldsweep.record.CommutatorRecord;
import io.manifoldsweep.record.EvalResult;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RecordSink;
import io.manifoldsweep.record.SnapshotRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Streams one cell's snapshots, metrics, commutators and checkpoints into four Parquet files in a
 * folder (the cell's staging folder). Rows go out as they are recorded, so memory stays flat over a long run.
 */
public final class ParquetRecordSink implements RecordSink, AutoCloseable {
  private final String cellId;
  private final String deltaCoords;
  private final ParquetWriter<Group> snapshots;
  private final ParquetWriter<Group> metrics;
  private final ParquetWriter<Group> commutators;
  private final ParquetWriter<Group> checkpoints;
  private final SimpleGroupFactory snapshotRows = new SimpleGroupFactory(Tables.SNAPSHOTS_SCHEMA);
  private final SimpleGroupFactory metricRows = new SimpleGroupFactory(Tables.METRICS_SCHEMA);
  private final SimpleGroupFactory commutatorRows = new SimpleGroupFactory(Tables.COMMUTATORS_SCHEMA);
  private final SimpleGroupFactory checkpointRows = new SimpleGroupFactory(Tables.CHECKPOINTS_SCHEMA);

  public ParquetRecordSink(Configuration conf, Path folder, String cellId, String deltaCoords, ParquetFiles.Encoding encoding) throws IOException {
    this.cellId = cellId;
    this.deltaCoords = deltaCoords;
    this.snapshots = ParquetFiles.writer(conf, new Path(folder, Tables.SNAPSHOTS + ".parquet"), Tables.SNAPSHOTS_SCHEMA, encoding);
    this.metrics = ParquetFiles.writer(conf, new Path(folder, Tables.METRICS + ".parquet"), Tables.METRICS_SCHEMA, encoding);
    this.commutators = ParquetFiles.writer(conf, new Path(folder, Tables.COMMUTATORS + ".parquet"), Tables.COMMUTATORS_SCHEMA, encoding);
    this.checkpoints = ParquetFiles.writer(conf, new Path(folder, Tables.CHECKPOINTS + ".parquet"), Tables.CHECKPOINTS_SCHEMA, encoding);
  }

  @Override
  public void snapshot(SnapshotRecord r) {
    Group row = snapshotRows.newGroup().append("cell_id", cellId).append("step", r.step()).append("block", r.block());
    addFloats(row.addGroup("values"), r.values());
    write(snapshots, row);
  }

  @Override
  public void metrics(MetricsRecord r) {
    Group row = metricRows.newGroup().append("cell_id", cellId).append("step", r.step());
    if (!Double.isNaN(r.trainLoss())) {
      row.append("train_loss", r.trainLoss());
    }
    EvalResult e = r.eval();
    if (e != null) {
      row.append("eval_acc", e.pooledAccuracy()).append("eval_loss", e.pooledLoss());
      Group list = row.addGroup("eval");
      for (int i = 0; i < e.accuracy().length; i++) {
        list.addGroup("list").addGroup("element")
            .append("m", e.markersMin() + i).append("acc", e.accuracy()[i]).append("loss", e.loss()[i]);
      }
    }
    AttentionStats a = r.attention();
    Group list = row.addGroup("attention");
    for (int m = 0; m < a.entropy().length; m++) {
      for (int l = 0; l < a.entropy()[m].length; l++) {
        for (int h = 0; h < a.entropy()[m][l].length; h++) {
          list.addGroup("list").addGroup("element")
              .append("m", a.markersMin() + m).append("layer", l).append("head", h)
              .append("entropy", a.entropy()[m][l][h])
              .append("marker_mass", a.markerMass()[m][l][h])
              .append("value_mass", a.valueMass()[m][l][h]);
        }
      }
    }
    write(metrics, row);
  }

  @Override
  public void commutator(CommutatorRecord r) {
    Group row = commutatorRows.newGroup()
        .append("cell_id", cellId)
        .append("step", r.step())
        .append("pairs", r.pairs())
        .append("defect_median", r.defectMedian())
        .append("defect_p90", r.defectP90())
        .append("grad_cos", r.gradCosine())
        .append("delta_coords", deltaCoords);
    if (r.delta() != null) {
      addFloats(row.addGroup("delta"), r.delta());
    }
    row.append("delta_norm", r.deltaNorm()).append("delta_norm_outside_attention", r.deltaNormOutsideAttention());
    write(commutators, row);
  }

  @Override
  public void checkpoint(CheckpointRecord r) {
    Group row = checkpointRows.newGroup().append("cell_id", cellId).append("step", r.step());
    addFloats(row.addGroup("params"), r.params());
    write(checkpoints, row);
  }

  private static void addFloats(Group list, float[] values) {
    for (float v : values) {
      list.addGroup("list").append("element", v);
    }
  }

  private static void write(ParquetWriter<Group> writer, Group row) {
    try {
      writer.write(row);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Parquet row", e);
    }
  }

  @Override
  public void close() throws IOException {
    try (snapshots; metrics; commutators; checkpoints) {
      // closing flushes the last row group and the footer of each file
    }
  }
}
