package io.manifoldsweep.jobs.table;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import io.manifoldsweep.sweep.CellConfigs;
import io.manifoldsweep.train.CellConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schemas of every table the sweep writes (DESIGN section 7), in one place. Lists use
 * the standard three-level layout, so Spark, DuckDB and pandas read them as arrays.
 */
public final class Tables {
  public static final String RUNS = "runs";
  public static final String SNAPSHOTS = "snapshots";
  public static final String METRICS = "metrics";
  public static final String COMMUTATORS = "commutators";
  public static final String CHECKPOINTS = "checkpoints";

  /**
   * Tables a training cell writes before its runs row; cells of versions before checkpoints lack
   * that one.
   */
  public static final List<String> CELL_DATA =
      List.of(SNAPSHOTS, METRICS, COMMUTATORS, CHECKPOINTS);

  public static final MessageType SNAPSHOTS_SCHEMA =
      Types.buildMessage()
          .required(BINARY)
          .as(stringType())
          .named("cell_id")
          .required(INT64)
          .named("step")
          .required(BINARY)
          .as(stringType())
          .named("block")
          .requiredList()
          .requiredElement(FLOAT)
          .named("values")
          .named(SNAPSHOTS);

  public static final MessageType METRICS_SCHEMA =
      Types.buildMessage()
          .required(BINARY)
          .as(stringType())
          .named("cell_id")
          .required(INT64)
          .named("step")
          .optional(DOUBLE)
          .named("train_loss")
          .optional(DOUBLE)
          .named("eval_acc")
          .optional(DOUBLE)
          .named("eval_loss")
          .optionalList()
          .requiredGroupElement()
          .required(INT32)
          .named("m")
          .required(DOUBLE)
          .named("acc")
          .required(DOUBLE)
          .named("loss")
          .named("eval")
          .requiredList()
          .requiredGroupElement()
          .required(INT32)
          .named("m")
          .required(INT32)
          .named("layer")
          .required(INT32)
          .named("head")
          .required(DOUBLE)
          .named("entropy")
          .required(DOUBLE)
          .named("marker_mass")
          .required(DOUBLE)
          .named("value_mass")
          .named("attention")
          .named(METRICS);

  public static final MessageType COMMUTATORS_SCHEMA =
      Types.buildMessage()
          .required(BINARY)
          .as(stringType())
          .named("cell_id")
          .required(INT64)
          .named("step")
          .required(INT32)
          .named("pairs")
          .required(DOUBLE)
          .named("defect_median")
          .required(DOUBLE)
          .named("defect_p90")
          .required(DOUBLE)
          .named("grad_cos")
          .required(BINARY)
          .as(stringType())
          .named("delta_coords")
          .optionalList()
          .requiredElement(FLOAT)
          .named("delta")
          .required(DOUBLE)
          .named("delta_norm")
          .required(DOUBLE)
          .named("delta_norm_outside_attention")
          .named(COMMUTATORS);

  public static final MessageType CHECKPOINTS_SCHEMA =
      Types.buildMessage()
          .required(BINARY)
          .as(stringType())
          .named("cell_id")
          .required(INT64)
          .named("step")
          .requiredList()
          .requiredElement(FLOAT)
          .named("params")
          .named(CHECKPOINTS);

  /** The schema of a per-cell data table. */
  public static MessageType schema(String table) {
    return switch (table) {
      case SNAPSHOTS -> SNAPSHOTS_SCHEMA;
      case METRICS -> METRICS_SCHEMA;
      case COMMUTATORS -> COMMUTATORS_SCHEMA;
      case CHECKPOINTS -> CHECKPOINTS_SCHEMA;
      default -> throw new IllegalArgumentException("no per-cell table " + table);
    };
  }

  private Tables() {}

  /** Every knob of a cell as one flat column each ({@code task.markers.min -> markers_min}). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> knobColumns(CellConfig config) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object section : CellConfigs.toTree(config).values()) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) section).entrySet()) {
        if (e.getValue() instanceof Map<?, ?> nested) {
          nested.forEach((k, v) -> out.put(e.getKey() + "_" + k, v));
        } else {
          out.put(e.getKey(), e.getValue());
        }
      }
    }
    return out;
  }

  /** The runs schema: the fixed run columns, then one column per knob typed by its value. */
  public static MessageType runsSchema(CellConfig example) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    b.required(BINARY).as(stringType()).named("cell_id");
    b.required(BINARY).as(stringType()).named("sweep");
    b.required(BINARY).as(stringType()).named("status");
    b.required(BINARY).as(stringType()).named("message");
    b.required(INT64).named("steps_done");
    b.required(DOUBLE).named("wall_seconds");
    b.required(DOUBLE).named("recording_seconds");
    b.optional(DOUBLE).named("eval_acc");
    b.required(BINARY).as(stringType()).named("project_version");
    b.required(BINARY).as(stringType()).named("spark_version");
    b.required(BINARY).as(stringType()).named("nd4j_version");
    b.required(BINARY).as(stringType()).named("java_version");
    b.required(BINARY).as(stringType()).named("host");
    b.optional(BINARY).as(stringType()).named("cpu");
    b.optional(BINARY).as(stringType()).named("blas");
    b.required(INT32).named("attempt");
    b.optional(INT32).named("resumes");
    b.optional(BINARY).as(stringType()).named("resumed_from");
    b.optional(INT64).named("steps_trained");
    b.required(INT64).named("started_at_ms");
    b.required(INT64).named("finished_at_ms");
    b.required(BINARY).as(stringType()).named("config_json");
    for (Map.Entry<String, Object> e : knobColumns(example).entrySet()) {
      Object v = e.getValue();
      if (v instanceof Integer) {
        b.required(INT32).named(e.getKey());
      } else if (v instanceof Long) {
        b.required(INT64).named(e.getKey());
      } else if (v instanceof Double) {
        b.required(DOUBLE).named(e.getKey());
      } else if (v instanceof Boolean) {
        b.required(BOOLEAN).named(e.getKey());
      } else {
        b.required(BINARY).as(stringType()).named(e.getKey());
      }
    }
    return b.named(RUNS);
  }
}
