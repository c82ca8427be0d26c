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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.MessageType;

/**
 * Streams one cell's snapshots, metrics, commutators and checkpoints into Parquet files in a folder,
 * as they are recorded, so memory stays flat over a long run. The files come in parts: {@link #roll}
 * closes the current part of every table (a resume point then names the parts it covers), and the
 * next record opens the next part, {@code <table>.<prefix>.<n>.parquet}. A table that got no record
 * since the last roll gets no part.
 */
public final class ParquetRecordSink implements RecordSink, AutoCloseable {
  private final Configuration conf;
  private final Path folder;
  private final String cellId;
  private final String deltaCoords;
  private final ParquetFiles.Encoding encoding;
  private final String prefix;
  private final Map<String, ParquetWriter<Group>> open = new LinkedHashMap<>();
  private final Map<String, List<Path>> parts = new LinkedHashMap<>();
  private int segment;
  private final SimpleGroupFactory snapshotRows = new SimpleGroupFactory(Tables.SNAPSHOTS_SCHEMA);
  private final SimpleGroupFactory metricRows = new SimpleGroupFactory(Tables.METRICS_SCHEMA);
  private final SimpleGroupFactory commutatorRows = new SimpleGroupFactory(Tables.COMMUTATORS_SCHEMA);
  private final SimpleGroupFactory checkpointRows = new SimpleGroupFactory(Tables.CHECKPOINTS_SCHEMA);

  /**
   * A sink writing parts named with {@code prefix} into {@code folder}, after the parts an earlier
   * attempt of the cell completed ({@code earlier}, per table, in order).
   */
  public ParquetRecordSink(Configuration conf, Path folder, String cellId, String deltaCoords, ParquetFiles.Encoding encoding, String prefix,
      Map<String, List<Path>> earlier) {
    this.conf = conf;
    this.folder = folder;
    this.cellId = cellId;
    this.deltaCoords = deltaCoords;
    this.encoding = encoding;
    this.prefix = prefix;
    for (String t : Tables.CELL_DATA) {
      parts.put(t, new ArrayList<>(earlier.getOrDefault(t, List.of())));
    }
  }

  @Override
  public void snapshot(SnapshotRecord r) {
    Group row = snapshotRows.newGroup().append("cell_id", cellId).append("step", r.step()).append("block", r.block());
    addFloats(row.addGroup("values"), r.values());
    write(Tables.SNAPSHOTS, Tables.SNAPSHOTS_SCHEMA, row);
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
    write(Tables.METRICS, Tables.METRICS_SCHEMA, row);
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
    write(Tables.COMMUTATORS, Tables.COMMUTATORS_SCHEMA, row);
  }

  @Override
  public void checkpoint(CheckpointRecord r) {
    Group row = checkpointRows.newGroup().append("cell_id", cellId).append("step", r.step());
    addFloats(row.addGroup("params"), r.params());
    write(Tables.CHECKPOINTS, Tables.CHECKPOINTS_SCHEMA, row);
  }

  private static void addFloats(Group list, float[] values) {
    for (float v : values) {
      list.addGroup("list").append("element", v);
    }
  }

  private void write(String table, MessageType schema, Group row) {
    try {
      ParquetWriter<Group> w = open.get(table);
      if (w == null) {
        Path part = new Path(folder, table + "." + prefix + "." + segment + ".parquet");
        w = ParquetFiles.writer(conf, part, schema, encoding);
        open.put(table, w);
        parts.get(table).add(part);
      }
      w.write(row);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Parquet row of " + table, e);
    }
  }

  /** Closes every open part, so that all records so far are in complete files. */
  public void roll() throws IOException {
    IOException first = null;
    for (ParquetWriter<Group> w : open.values()) {
      try {
        w.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    open.clear();
    segment++;
    if (first != null) {
      throw first;
    }
  }

  /** Every part of every table so far, earlier attempts' first, in record order. */
  public Map<String, List<Path>> parts() {
    Map<String, List<Path>> out = new LinkedHashMap<>();
    parts.forEach((t, ps) -> out.put(t, List.copyOf(ps)));
    return out;
  }

  @Override
  public void close() throws IOException {
    roll();
  }
}
