package io.manifoldsweep.jobs.table;

import io.manifoldsweep.record.AttentionStats;
import io.manifoldsweep.record.CheckpointRecord;
import io.manifoldsweep.record.CommutatorRecord;
import io.manifoldsweep.record.EvalResult;
import io.manifoldsweep.record.InterventionStats;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RecordSink;
import io.manifoldsweep.record.SnapshotRecord;
import io.manifoldsweep.record.SplitEval;
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
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;

/**
 * Streams one cell's snapshots, metrics, commutators and checkpoints into Parquet files in a
 * folder, as they are recorded, so memory stays flat over a long run. The files come in parts:
 * {@link #roll} closes the current part of every table (a resume point then names the parts it
 * covers), and the next record opens the next part, {@code <table>.<prefix>.<n>.parquet}. A table
 * that got no record since the last roll gets no part.
 */
public final class ParquetRecordSink implements RecordSink, AutoCloseable {
  private final Configuration conf;
  private final Path folder;
  private final String cellId;
  private final String deltaCoords;
  private final ParquetFiles.Encoding encoding;
  private final String prefix;
  private final Map<String, ParquetWriter<ParquetFiles.Row>> open = new LinkedHashMap<>();
  private final Map<String, List<Path>> parts = new LinkedHashMap<>();
  private int segment;
  private final SimpleGroupFactory metricRows = new SimpleGroupFactory(Tables.METRICS_SCHEMA);

  /**
   * A sink writing parts named with {@code prefix} into {@code folder}, after the parts an earlier
   * attempt of the cell completed ({@code earlier}, per table, in order).
   */
  public ParquetRecordSink(
      Configuration conf,
      Path folder,
      String cellId,
      String deltaCoords,
      ParquetFiles.Encoding encoding,
      String prefix,
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
    MessageType schema = Tables.SNAPSHOTS_SCHEMA;
    write(
        Tables.SNAPSHOTS,
        schema,
        out -> {
          out.startMessage();
          field(out, schema, "cell_id", () -> out.addBinary(Binary.fromString(cellId)));
          field(out, schema, "step", () -> out.addLong(r.step()));
          field(out, schema, "block", () -> out.addBinary(Binary.fromString(r.block())));
          field(out, schema, "values", () -> floats(out, r.values()));
          out.endMessage();
        });
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
        list.addGroup("list")
            .addGroup("element")
            .append("m", e.markersMin() + i)
            .append("acc", e.accuracy()[i])
            .append("loss", e.loss()[i]);
      }
    }
    AttentionStats a = r.attention();
    Group list = row.addGroup("attention");
    for (int m = 0; m < a.entropy().length; m++) {
      for (int l = 0; l < a.entropy()[m].length; l++) {
        for (int h = 0; h < a.entropy()[m][l].length; h++) {
          list.addGroup("list")
              .addGroup("element")
              .append("m", a.markersMin() + m)
              .append("layer", l)
              .append("head", h)
              .append("entropy", a.entropy()[m][l][h])
              .append("marker_mass", a.markerMass()[m][l][h])
              .append("value_mass", a.valueMass()[m][l][h]);
        }
      }
    }
    SplitEval split = r.split();
    if (split != null) {
      row.append("train_acc", split.trainAccuracy())
          .append("train_loss_full", split.trainLoss())
          .append("test_acc", split.testAccuracy())
          .append("test_loss", split.testLoss());
    }
    InterventionStats iv = r.intervention();
    if (iv != null) {
      row.append("update_in_basis", iv.updateInBasis())
          .append("attention_norm", iv.attentionNorm())
          .append("other_norm", iv.otherNorm());
    }
    write(Tables.METRICS, Tables.METRICS_SCHEMA, ParquetFiles.Row.of(row));
  }

  @Override
  public void commutator(CommutatorRecord r) {
    MessageType schema = Tables.COMMUTATORS_SCHEMA;
    write(
        Tables.COMMUTATORS,
        schema,
        out -> {
          out.startMessage();
          field(out, schema, "cell_id", () -> out.addBinary(Binary.fromString(cellId)));
          field(out, schema, "step", () -> out.addLong(r.step()));
          field(out, schema, "pairs", () -> out.addInteger(r.pairs()));
          field(out, schema, "defect_median", () -> out.addDouble(r.defectMedian()));
          field(out, schema, "defect_p90", () -> out.addDouble(r.defectP90()));
          field(out, schema, "grad_cos", () -> out.addDouble(r.gradCosine()));
          field(out, schema, "delta_coords", () -> out.addBinary(Binary.fromString(deltaCoords)));
          if (r.delta() != null) {
            field(out, schema, "delta", () -> floats(out, r.delta()));
          }
          field(out, schema, "delta_norm", () -> out.addDouble(r.deltaNorm()));
          field(
              out,
              schema,
              "delta_norm_outside_attention",
              () -> out.addDouble(r.deltaNormOutsideAttention()));
          out.endMessage();
        });
  }

  @Override
  public void checkpoint(CheckpointRecord r) {
    MessageType schema = Tables.CHECKPOINTS_SCHEMA;
    write(
        Tables.CHECKPOINTS,
        schema,
        out -> {
          out.startMessage();
          field(out, schema, "cell_id", () -> out.addBinary(Binary.fromString(cellId)));
          field(out, schema, "step", () -> out.addLong(r.step()));
          field(out, schema, "params", () -> floats(out, r.params()));
          out.endMessage();
        });
  }

  /** One field of {@code row}; {@code value} adds what it holds. */
  private static void field(RecordConsumer out, GroupType row, String name, Runnable value) {
    int index = row.getFieldIndex(name);
    out.startField(name, index);
    value.run();
    out.endField(name, index);
  }

  /** A list of required floats, in Parquet's three-level layout ({@code list.element}). */
  private static void floats(RecordConsumer out, float[] values) {
    out.startGroup();
    if (values.length > 0) {
      out.startField("list", 0);
      for (float v : values) {
        out.startGroup();
        out.startField("element", 0);
        out.addFloat(v);
        out.endField("element", 0);
        out.endGroup();
      }
      out.endField("list", 0);
    }
    out.endGroup();
  }

  private void write(String table, MessageType schema, ParquetFiles.Row row) {
    try {
      ParquetWriter<ParquetFiles.Row> w = open.get(table);
      if (w == null) {
        Path part = new Path(folder, table + "." + prefix + "." + segment + ".parquet");
        w = ParquetFiles.rowWriter(conf, part, schema, encoding);
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
    for (ParquetWriter<ParquetFiles.Row> w : open.values()) {
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
