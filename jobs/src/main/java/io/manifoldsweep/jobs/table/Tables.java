package io.manifoldsweep.jobs.table;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import java.util.List;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schemas of every table the sweep writes (method section 7), in one place. Lists use
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

  /** A cell's files: its runs row, then its data. */
  public static final List<String> CELL_FILES = concat(List.of(RUNS), CELL_DATA);

  public static final String DIMENSIONS = "dimensions";
  public static final String TIMELINE = "dimension_timeline";
  public static final String ALIGNMENT = "alignment";
  public static final String COMMUTATOR_ALIGNMENT = "commutator_alignment";
  public static final String SATURATION = "saturation";
  public static final String BASES = "bases";
  public static final String PROJECTIONS = "projections";

  /** The manifold tables the analysis writes (method section 5). */
  public static final List<String> MANIFOLD_ANALYSIS =
      List.of(
          DIMENSIONS, TIMELINE, ALIGNMENT, COMMUTATOR_ALIGNMENT, SATURATION, BASES, PROJECTIONS);

  public static final String SAE = "sae";
  public static final String SAE_LATENTS = "sae_latents";
  public static final String SAE_ABLATIONS = "sae_ablations";
  public static final String MANIFOLD_ABLATION = "manifold_ablation";

  /** The sparse-autoencoder tables (method section 8). */
  public static final List<String> SAE_ANALYSIS =
      List.of(SAE, SAE_LATENTS, SAE_ABLATIONS, MANIFOLD_ABLATION);

  public static final String GROKKING = "grokking";
  public static final String LEAD_SCALING = "lead_scaling";

  /** The grokking tables of modular cells (method 9.5). */
  public static final List<String> GROKKING_ANALYSIS = List.of(GROKKING, LEAD_SCALING);

  /** Every table the analysis writes; each replaces the previous run's. */
  public static final List<String> ANALYSIS =
      concat(concat(MANIFOLD_ANALYSIS, SAE_ANALYSIS), GROKKING_ANALYSIS);

  /** Every table of a results folder, in the order commands list them. */
  public static final List<String> ALL = concat(concat(List.of(RUNS), CELL_DATA), ANALYSIS);

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  /**
   * Whether a file in a table folder holds rows: a Parquet file whose name starts with neither '_'
   * nor '.', the names Spark and pyarrow skip, and under which the bookkeeping lives.
   */
  public static boolean isDataFile(String name) {
    return name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".");
  }

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
          // the modular task's evals on its whole splits (method 9.1), and an intervened run's
          // statistics (9.4); null elsewhere. Added after the columns above, so parts written
          // before them still join the table (ParquetFiles.concat).
          .optional(DOUBLE)
          .named("train_acc")
          .optional(DOUBLE)
          .named("train_loss_full")
          .optional(DOUBLE)
          .named("test_acc")
          .optional(DOUBLE)
          .named("test_loss")
          .optional(DOUBLE)
          .named("update_in_basis")
          .optional(DOUBLE)
          .named("attention_norm")
          .optional(DOUBLE)
          .named("other_norm")
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
}
