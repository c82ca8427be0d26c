package io.manifoldsweep.jobs.analyze;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import org.apache.spark.sql.types.StructType;

/** Spark schemas of the analysis tables (method section 7), in one place. */
final class AnalysisTables {
  /** Block name of the whole-model trajectory (all attention blocks concatenated). */
  static final String ALL = "all";

  static final StructType DIMENSIONS_SCHEMA =
      new StructType()
          .add("cell_id", StringType, false)
          .add("group_key", StringType, false)
          .add("block", StringType, false)
          .add("n_snapshots", IntegerType, false)
          .add("r90", IntegerType, false)
          .add("r95", IntegerType, false)
          .add("r99", IntegerType, false)
          .add("participation_ratio", DoubleType, false)
          .add("effective_rank", DoubleType, false)
          .add("pc1", DoubleType, false)
          .add("evr", createArrayType(DoubleType, false), false)
          .add("collapse_step", LongType, true)
          .add("null_pc1", DoubleType, false)
          .add("null_r90", IntegerType, false)
          .add("null_participation_ratio", DoubleType, false);

  static final StructType TIMELINE_SCHEMA =
      new StructType()
          .add("cell_id", StringType, false)
          .add("block", StringType, false)
          .add("step", LongType, false)
          .add("r90", IntegerType, false);

  static final StructType COMMUTATOR_ALIGNMENT_SCHEMA =
      new StructType()
          .add("cell_id", StringType, false)
          .add("step", LongType, false)
          .add("basis", StringType, false)
          .add("K", IntegerType, false)
          .add("basis_snapshots", IntegerType, false)
          .add("rho_exec", DoubleType, false)
          .add("perp_energy", DoubleType, false)
          .add("rho_rand_live", DoubleType, false)
          .add("rho_rand_attention", DoubleType, false)
          .add("ratio_live", DoubleType, false)
          .add("ratio_attention", DoubleType, false);

  static final StructType SATURATION_SCHEMA =
      new StructType()
          .add("cell_id", StringType, false)
          .add("block", StringType, false)
          .add("pc", IntegerType, false)
          .add("corr_entropy", DoubleType, true)
          .add("corr_marker_mass", DoubleType, true)
          .add("saturation_step", LongType, false);

  static final StructType PROJECTIONS_SCHEMA =
      new StructType()
          .add("cell_id", StringType, false)
          .add("block", StringType, false)
          .add("step", LongType, false)
          .add("pcs", createArrayType(DoubleType, false), false);

  static final StructType BASES_SCHEMA =
      new StructType()
          .add("cell_id", StringType, false)
          .add("block", StringType, false)
          .add("k", IntegerType, false)
          .add("p", IntegerType, false)
          .add("singular_values", createArrayType(DoubleType, false), false)
          .add("vectors", createArrayType(FloatType, false), false);

  static final StructType ALIGNMENT_SCHEMA =
      new StructType()
          .add("group_key", StringType, false)
          .add("block", StringType, false)
          .add("cell_a", StringType, false)
          .add("cell_b", StringType, false)
          .add("varied", StringType, false)
          .add("k", IntegerType, false)
          .add("cosines", createArrayType(DoubleType, false), false)
          .add("mean_cos2", DoubleType, false)
          .add("random_mean_cos2", DoubleType, false);

  private AnalysisTables() {}
}
