package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.jobs.table.ParquetFiles;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.sweep.CellSpec;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;

/** The one-row Parquet file that commits a cell: its outcome, every knob and its provenance. */
public final class RunsFile {
  /** Where and with what a run was executed. */
  public record Provenance(
      String projectVersion,
      String sparkVersion,
      String nd4jVersion,
      String javaVersion,
      String host,
      String cpu,
      String blas,
      int attempt) {}

  private RunsFile() {}

  public static void write(
      Configuration conf,
      Path path,
      CellSpec cell,
      RunResult result,
      Provenance p,
      long startedAtMs)
      throws IOException {
    MessageType schema = Tables.runsSchema(cell.config());
    Group row =
        new SimpleGroupFactory(schema)
            .newGroup()
            .append("cell_id", cell.cellId())
            .append("sweep", cell.sweep())
            .append("status", result.status().label())
            .append("message", result.message())
            .append("steps_done", result.stepsDone())
            .append("wall_seconds", result.wallSeconds())
            .append("recording_seconds", result.recordingSeconds());
    if (!Double.isNaN(result.finalEvalAccuracy())) {
      row.append("eval_acc", result.finalEvalAccuracy());
    }
    row.append("project_version", p.projectVersion())
        .append("spark_version", p.sparkVersion())
        .append("nd4j_version", p.nd4jVersion())
        .append("java_version", p.javaVersion())
        .append("host", p.host())
        .append("cpu", p.cpu())
        .append("blas", p.blas())
        .append("attempt", p.attempt())
        .append("resumes", result.resumedFrom().size())
        .append(
            "resumed_from",
            result.resumedFrom().stream()
                .map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(",")))
        .append("steps_trained", result.stepsTrained())
        .append("started_at_ms", startedAtMs)
        .append("finished_at_ms", System.currentTimeMillis())
        .append("config_json", cell.configJson());
    for (Map.Entry<String, Object> e : Tables.knobColumns(cell.config()).entrySet()) {
      Object v = e.getValue();
      if (v instanceof Integer i) {
        row.append(e.getKey(), i);
      } else if (v instanceof Long l) {
        row.append(e.getKey(), l);
      } else if (v instanceof Double d) {
        row.append(e.getKey(), d);
      } else if (v instanceof Boolean b) {
        row.append(e.getKey(), b);
      } else {
        row.append(e.getKey(), String.valueOf(v));
      }
    }
    try (ParquetWriter<Group> w =
        ParquetFiles.writer(conf, path, schema, ParquetFiles.Encoding.DEFAULT_SNAPPY)) {
      w.write(row);
    }
  }

  /**
   * Whether the runs row at {@code path} says ok or diverged: a committed cell, never trained
   * again.
   */
  static boolean committed(Configuration conf, Path path) throws IOException {
    return !status(conf, path).equals("failed");
  }

  static String status(Configuration conf, Path path) throws IOException {
    try (ParquetReader<Group> r =
        ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
      Group row = r.read();
      if (row == null) {
        throw new IOException(path + " holds no row");
      }
      return row.getString("status", 0);
    } catch (RuntimeException e) {
      throw new IOException(path + " is not a readable runs file: " + e.getMessage(), e);
    }
  }
}
