package io.manifoldsweep.jobs.sweep;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;

import io.manifoldsweep.jobs.table.CommittedFile;
import io.manifoldsweep.jobs.table.ParquetFiles;
import io.manifoldsweep.jobs.table.RunsRow;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobType;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.train.CellConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The one-row Parquet file that commits a cell: its outcome, provenance, every knob as a column of
 * its own, and the cell's config as JSON. Its columns are declared once, below: the schema and the
 * row both come from that list.
 */
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
      int attempt,
      String sparkApp,
      String executor,
      int nativeThreads,
      String nativeEnv) {}

  /** What a runs row is made of; {@code files}: the data files the cell committed. */
  public record Run(
      CellSpec cell,
      RunResult result,
      Provenance provenance,
      long startedAtMs,
      long finishedAtMs,
      List<CommittedFile> files) {}

  /**
   * One column: its name, type, whether every row has a value, and the value of a run (null: none).
   */
  private record Column(
      String name, KnobType.Column type, boolean required, Function<Run, Object> value) {}

  private static final List<Column> COLUMNS = columns();

  private static List<Column> columns() {
    List<Column> c = new ArrayList<>();
    c.add(new Column("cell_id", KnobType.Column.STRING, true, r -> r.cell().cellId()));
    c.add(new Column("sweep", KnobType.Column.STRING, true, r -> r.cell().sweep()));
    c.add(new Column("status", KnobType.Column.STRING, true, r -> r.result().status().label()));
    c.add(new Column("message", KnobType.Column.STRING, true, r -> r.result().message()));
    c.add(new Column("steps_done", KnobType.Column.INT64, true, r -> r.result().stepsDone()));
    c.add(new Column("wall_seconds", KnobType.Column.DOUBLE, true, r -> r.result().wallSeconds()));
    c.add(
        new Column(
            "recording_seconds", KnobType.Column.DOUBLE, true, r -> r.result().recordingSeconds()));
    c.add(
        new Column(
            "eval_acc",
            KnobType.Column.DOUBLE,
            false,
            r ->
                Double.isNaN(r.result().finalEvalAccuracy())
                    ? null
                    : r.result().finalEvalAccuracy()));
    c.add(
        new Column(
            "project_version", KnobType.Column.STRING, true, r -> r.provenance().projectVersion()));
    c.add(
        new Column(
            "spark_version", KnobType.Column.STRING, true, r -> r.provenance().sparkVersion()));
    c.add(
        new Column(
            "nd4j_version", KnobType.Column.STRING, true, r -> r.provenance().nd4jVersion()));
    c.add(
        new Column(
            "java_version", KnobType.Column.STRING, true, r -> r.provenance().javaVersion()));
    c.add(new Column("host", KnobType.Column.STRING, true, r -> r.provenance().host()));
    c.add(new Column("cpu", KnobType.Column.STRING, false, r -> r.provenance().cpu()));
    c.add(new Column("blas", KnobType.Column.STRING, false, r -> r.provenance().blas()));
    c.add(new Column("attempt", KnobType.Column.INT32, true, r -> r.provenance().attempt()));
    c.add(new Column("spark_app", KnobType.Column.STRING, false, r -> r.provenance().sparkApp()));
    c.add(new Column("executor", KnobType.Column.STRING, false, r -> r.provenance().executor()));
    c.add(
        new Column(
            "native_threads", KnobType.Column.INT32, false, r -> r.provenance().nativeThreads()));
    c.add(new Column("native_env", KnobType.Column.STRING, false, r -> r.provenance().nativeEnv()));
    c.add(
        new Column("resumes", KnobType.Column.INT32, false, r -> r.result().resumedFrom().size()));
    c.add(
        new Column(
            "resumed_from",
            KnobType.Column.STRING,
            false,
            r ->
                r.result().resumedFrom().stream()
                    .map(String::valueOf)
                    .collect(Collectors.joining(","))));
    c.add(
        new Column("steps_trained", KnobType.Column.INT64, false, r -> r.result().stepsTrained()));
    c.add(new Column("started_at_ms", KnobType.Column.INT64, true, Run::startedAtMs));
    c.add(new Column("finished_at_ms", KnobType.Column.INT64, true, Run::finishedAtMs));
    c.add(new Column("config_json", KnobType.Column.STRING, true, r -> r.cell().configJson()));
    c.add(
        new Column(
            RunsRow.DATA_FILES,
            KnobType.Column.STRING,
            false,
            r -> r.files().isEmpty() ? null : CommittedFile.toJson(r.files())));
    c.add(new Column("group_key", KnobType.Column.STRING, false, r -> r.cell().groupKey()));
    c.add(
        new Column(
            "added_reference", KnobType.Column.BOOLEAN, false, r -> r.cell().addedReference()));
    for (KnobSection section : CellConfig.SECTIONS) {
      for (Knob<?> k : section.knobs()) {
        c.add(
            new Column(
                k.column(),
                k.type().column(),
                false,
                r -> r.cell().config().values().columnValue(k)));
      }
    }
    return List.copyOf(c);
  }

  /** The runs table's schema. */
  public static final MessageType SCHEMA = schema();

  private static MessageType schema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : COLUMNS) {
      Type.Repetition repetition =
          c.required() ? Type.Repetition.REQUIRED : Type.Repetition.OPTIONAL;
      switch (c.type()) {
        case INT32 -> b.primitive(PrimitiveTypeName.INT32, repetition).named(c.name());
        case INT64 -> b.primitive(PrimitiveTypeName.INT64, repetition).named(c.name());
        case DOUBLE -> b.primitive(PrimitiveTypeName.DOUBLE, repetition).named(c.name());
        case BOOLEAN -> b.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(c.name());
        case STRING ->
            b.primitive(PrimitiveTypeName.BINARY, repetition).as(stringType()).named(c.name());
      }
    }
    return b.named(Tables.RUNS);
  }

  private RunsFile() {}

  public static void write(Configuration conf, Path path, Run run) throws IOException {
    Group row = new SimpleGroupFactory(SCHEMA).newGroup();
    for (Column c : COLUMNS) {
      Object v = c.value().apply(run);
      if (v == null) {
        if (c.required()) {
          throw new IllegalStateException(
              "runs column " + c.name() + " has no value for cell " + run.cell().cellId());
        }
        continue;
      }
      switch (c.type()) {
        case INT32 -> row.append(c.name(), ((Number) v).intValue());
        case INT64 -> row.append(c.name(), ((Number) v).longValue());
        case DOUBLE -> row.append(c.name(), ((Number) v).doubleValue());
        case BOOLEAN -> row.append(c.name(), (Boolean) v);
        case STRING -> row.append(c.name(), String.valueOf(v));
      }
    }
    try (ParquetWriter<Group> w =
        ParquetFiles.writer(conf, path, SCHEMA, ParquetFiles.Encoding.DEFAULT_SNAPPY)) {
      w.write(row);
    }
  }
}
