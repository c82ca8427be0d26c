package io.manifoldsweep.jobs.analyze;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import io.manifoldsweep.analysis.sae.ActivationSet.Variable;
import io.manifoldsweep.analysis.sae.LatentAssociations.Latent;
import io.manifoldsweep.analysis.sae.SaeAnalysis;
import io.manifoldsweep.analysis.sae.SaeQuality;
import io.manifoldsweep.analysis.sae.Scores;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The sparse-autoencoder tables of method section 8: schemas and the conversion of the analysis's
 * records into rows. Every row carries its cell, seed group and checkpoint step; {@code sae} rows
 * also the settings they were trained with.
 */
final class SaeTables {
  /** Scores per marker count: {@code per_m} array of these. */
  private static final StructType PER_M =
      new StructType()
          .add("m", IntegerType, false)
          .add("acc", DoubleType, false)
          .add("ce", DoubleType, false)
          .add("acc_clean", DoubleType, false)
          .add("ce_clean", DoubleType, false);

  static final StructType SAE_SCHEMA =
      perSae()
          .add("l0", DoubleType, false)
          .add("fve", DoubleType, false)
          .add("alive_fraction", DoubleType, false)
          .add("dense_fraction", DoubleType, false)
          .add("ce_score", DoubleType, false)
          .add("kl_score", DoubleType, false)
          .add("ce_clean", DoubleType, false)
          .add("ce_spliced", DoubleType, false)
          .add("ce_zero", DoubleType, false)
          .add("kl_spliced", DoubleType, false)
          .add("kl_zero", DoubleType, false)
          .add("final_loss", DoubleType, false)
          .add("dead_fraction", DoubleType, false)
          .add("train_seconds", DoubleType, false)
          .add("quality_seconds", DoubleType, false)
          .add("ablation_seconds", DoubleType, false)
          .add("sae_config", StringType, false);

  static final StructType LATENTS_SCHEMA = latentsSchema();

  static final StructType ABLATIONS_SCHEMA =
      perSae()
          .add("kind", StringType, false)
          .add("n", IntegerType, false)
          .add("draw", IntegerType, false)
          .add("ablation", StringType, false)
          .add("latents", createArrayType(IntegerType, false), false)
          .add("acc", DoubleType, false)
          .add("ce", DoubleType, false)
          .add("acc_clean", DoubleType, false)
          .add("ce_clean", DoubleType, false)
          .add("acc_drop", DoubleType, false)
          .add("ce_rise", DoubleType, false)
          .add("per_m", createArrayType(PER_M, false), false);

  static final StructType MANIFOLD_SCHEMA =
      new StructType()
          .add("cell_id", StringType, false)
          .add("group_key", StringType, false)
          .add("step", LongType, false)
          .add("k", IntegerType, false)
          .add("directions", StringType, false)
          .add("draw", IntegerType, false)
          .add("removed", IntegerType, false)
          .add("acc", DoubleType, false)
          .add("ce", DoubleType, false)
          .add("acc_clean", DoubleType, false)
          .add("ce_clean", DoubleType, false)
          .add("acc_drop", DoubleType, false)
          .add("per_m", createArrayType(PER_M, false), false);

  private SaeTables() {}

  /** The columns that name one SAE: its cell, checkpoint step, layer, width and k. */
  private static StructType perSae() {
    return new StructType()
        .add("cell_id", StringType, false)
        .add("group_key", StringType, false)
        .add("step", LongType, false)
        .add("layer", IntegerType, false)
        .add("width", IntegerType, false)
        .add("k", IntegerType, false);
  }

  private static StructType latentsSchema() {
    StructType s =
        perSae()
            .add("latent", IntegerType, false)
            .add("frequency", DoubleType, false)
            .add("mean_activation", DoubleType, false)
            .add("best_variable", StringType, true)
            .add("association", DoubleType, false)
            .add("category", StringType, false);
    for (Variable v : Variable.values()) {
      s = s.add("eta2_" + v.label(), DoubleType, false);
    }
    return s.add("zero_acc_delta", DoubleType, true)
        .add("zero_ce_delta", DoubleType, true)
        .add("mean_acc_delta", DoubleType, true)
        .add("mean_ce_delta", DoubleType, true);
  }

  static Row sae(String cellId, String group, SaeAnalysis.SaeRow r, String settingsJson) {
    SaeQuality q = r.quality();
    return RowFactory.create(
        cellId,
        group,
        r.step(),
        r.layer(),
        r.width(),
        r.k(),
        q.l0(),
        q.fve(),
        q.aliveFraction(),
        q.denseFraction(),
        q.ceScore(),
        q.klScore(),
        q.ceClean(),
        q.ceSpliced(),
        q.ceZero(),
        q.klSpliced(),
        q.klZero(),
        r.finalLoss(),
        r.deadFraction(),
        r.trainSeconds(),
        r.qualitySeconds(),
        r.ablationSeconds(),
        settingsJson);
  }

  static Row latent(String cellId, String group, SaeAnalysis.LatentRow r) {
    Latent l = r.latent();
    List<Object> v =
        new ArrayList<>(
            List.of(
                cellId,
                group,
                r.step(),
                r.layer(),
                r.width(),
                r.k(),
                l.index(),
                l.frequency(),
                l.meanActivation()));
    v.add(l.best() == null ? null : l.best().label());
    v.add(l.association());
    v.add(l.alive() ? l.category().label() : "dead");
    for (double e : l.eta2()) {
      v.add(e);
    }
    v.add(r.zeroAccDelta());
    v.add(r.zeroCeDelta());
    v.add(r.meanAccDelta());
    v.add(r.meanCeDelta());
    return RowFactory.create(v.toArray());
  }

  static Row ablation(String cellId, String group, int markersMin, SaeAnalysis.AblationRow r) {
    Scores s = r.scores();
    Scores c = r.clean();
    return RowFactory.create(
        cellId,
        group,
        r.step(),
        r.layer(),
        r.width(),
        r.k(),
        r.kind(),
        r.n(),
        r.draw(),
        r.mode().label(),
        boxed(r.latents()),
        s.acc(),
        s.ce(),
        c.acc(),
        c.ce(),
        c.acc() - s.acc(),
        s.ce() - c.ce(),
        perM(markersMin, s, c));
  }

  static Row manifold(String cellId, String group, int markersMin, SaeAnalysis.ManifoldRow r) {
    Scores s = r.scores();
    Scores c = r.clean();
    return RowFactory.create(
        cellId,
        group,
        r.step(),
        r.k(),
        r.directions(),
        r.draw(),
        r.removed(),
        s.acc(),
        s.ce(),
        c.acc(),
        c.ce(),
        c.acc() - s.acc(),
        perM(markersMin, s, c));
  }

  private static Row[] perM(int markersMin, Scores s, Scores c) {
    Row[] out = new Row[s.accPerM().length];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          RowFactory.create(
              markersMin + i, s.accPerM()[i], s.cePerM()[i], c.accPerM()[i], c.cePerM()[i]);
    }
    return out;
  }

  private static Integer[] boxed(int[] a) {
    Integer[] out = new Integer[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}
