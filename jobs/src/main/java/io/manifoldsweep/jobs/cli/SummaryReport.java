package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.jobs.table.Tables;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The paper-style summary of an analysed results folder, as four Spark SQL queries over the views:
 * dimensions against the random-walk null, commutator alignment early and late, cross-seed
 * alignment against random subspaces. Groups are cells that differ only in their seeds.
 */
final class SummaryReport {
  /** Early and late are the first and last fifth of each cell's commutator records, same count. */
  private static final String COMMUTATOR_PHASES =
      """
      WITH ranked AS (
        SELECT c.*, d.group_key,
               row_number() OVER (PARTITION BY c.cell_id, c.basis ORDER BY c.step) AS rn,
               count(*) OVER (PARTITION BY c.cell_id, c.basis) AS cnt
        FROM commutator_alignment c
        JOIN (SELECT DISTINCT cell_id, group_key FROM dimensions) d ON c.cell_id = d.cell_id),
      phased AS (
        SELECT *, CASE WHEN rn <= greatest(1, floor(cnt / 5)) THEN 'early'
                       WHEN rn > cnt - greatest(1, floor(cnt / 5)) THEN 'late' END AS phase
        FROM ranked)
      SELECT group_key, basis, phase, count(DISTINCT cell_id) AS runs,
             round(median(ratio_live), 2) AS exec_vs_random_live,
             round(median(ratio_attention), 2) AS exec_vs_random_attention,
             round(median(perp_energy), 3) AS perp_energy_fraction
      FROM phased WHERE phase IS NOT NULL
      GROUP BY group_key, basis, phase ORDER BY group_key, basis, phase""";

  private static final String SAE_QUALITY =
      """
      SELECT group_key, step, layer, width, k, count(*) AS runs, round(avg(fve), 3) AS fve, round(avg(ce_score), 3) AS ce_score,
             round(avg(kl_score), 3) AS kl_score, round(avg(l0), 2) AS l0, round(avg(alive_fraction), 3) AS alive,
             round(avg(dense_fraction), 3) AS dense
      FROM sae GROUP BY group_key, step, layer, width, k ORDER BY group_key, step, layer, width, k""";

  /**
   * Per SAE: its strongest single latent, its top-8 execution set, and the matched random sets;
   * then over seeds.
   */
  private static final String SAE_VERDICT =
      """
      WITH per_sae AS (
        SELECT group_key, cell_id, step, layer, width, k,
               max(CASE WHEN kind = 'single' THEN acc_drop END) AS single_max,
               max(CASE WHEN kind = 'execution' AND n = 8 THEN acc_drop END) AS execution_8,
               avg(CASE WHEN kind = 'random' AND n = 8 THEN acc_drop END) AS random_8,
               stddev(CASE WHEN kind = 'random' AND n = 8 THEN acc_drop END) AS random_8_sd,
               max(CASE WHEN kind = 'routing' AND n = 8 THEN acc_drop END) AS routing_8
        FROM sae_ablations GROUP BY group_key, cell_id, step, layer, width, k)
      SELECT group_key, step, layer, width, k, count(*) AS runs,
             round(avg(single_max), 3) AS max_single_latent_drop,
             round(avg(execution_8), 3) AS execution_8_drop,
             concat(format_number(avg(random_8), 3), ' +- ', format_number(coalesce(avg(random_8_sd), 0), 3)) AS matched_random_8_drop,
             round(avg(execution_8) - avg(random_8), 3) AS execution_minus_random,
             round(avg(routing_8), 3) AS routing_8_drop
      FROM per_sae GROUP BY group_key, step, layer, width, k ORDER BY group_key, step, layer, width, k""";

  private static final String MANIFOLD_VERDICT =
      """
      SELECT group_key, step, count(DISTINCT cell_id) AS runs, round(avg(acc_clean), 3) AS acc_clean,
             round(avg(CASE WHEN directions = 'top' THEN acc_drop END), 3) AS top_3_drop,
             round(avg(CASE WHEN directions = 'next' THEN acc_drop END), 3) AS next_3_drop,
             concat(format_number(avg(CASE WHEN directions = 'random' THEN acc_drop END), 3), ' +- ',
                    format_number(coalesce(stddev(CASE WHEN directions = 'random' THEN acc_drop END), 0), 3)) AS random_3_drop
      FROM manifold_ablation WHERE k = 3 GROUP BY group_key, step ORDER BY group_key, step""";

  private SummaryReport() {}

  static void print(SparkSession spark, List<String> views, PrintStream out) {
    if (!views.contains(Tables.DIMENSIONS)) {
      out.println("no analysis tables yet: run submit/analyze DIR first");
      return;
    }
    section(
        out,
        "Manifold dimension per block (mean +- std over seeds) against an isotropic random walk with as many snapshots");
    show(
        spark,
        out,
        """
        SELECT d.group_key, first(r.modulus) AS modulus, d.block, count(*) AS runs,
               concat(format_number(avg(d.r90), 2), ' +- ', format_number(coalesce(stddev(d.r90), 0), 2)) AS r90,
               concat(format_number(avg(d.r95), 2), ' +- ', format_number(coalesce(stddev(d.r95), 0), 2)) AS r95,
               round(avg(d.participation_ratio), 2) AS participation_ratio,
               round(avg(d.pc1), 3) AS pc1, round(avg(d.null_pc1), 3) AS null_pc1, max(d.null_r90) AS null_r90,
               round(avg(d.collapse_step)) AS collapse_step
        FROM dimensions d JOIN runs r ON d.cell_id = r.cell_id
        GROUP BY d.group_key, d.block ORDER BY d.group_key, d.block""");
    if (views.contains(Tables.COMMUTATOR_ALIGNMENT)) {
      section(
          out,
          "Commutator alignment with the execution subspace / random subspaces, early vs late (medians)");
      show(spark, out, COMMUTATOR_PHASES);
    }
    if (views.contains(Tables.SAE)) {
      section(
          out,
          "Sparse autoencoders per checkpoint and layer (mean over seeds): reconstruction, splicing scores, sparsity");
      show(spark, out, SAE_QUALITY);
    }
    if (views.contains(Tables.SAE_ABLATIONS)) {
      section(
          out,
          "Does a small latent set carry execution? Accuracy drop (clean - ablated) of the strongest single latent and of the"
              + " top-8 execution latents, against 8 random alive latents matched in firing frequency (zero ablation, error term kept)");
      show(spark, out, SAE_VERDICT);
    }
    if (views.contains(Tables.MANIFOLD_ABLATION)) {
      section(
          out,
          "Manifold ablation at k = 3: accuracy drop when every attention block moves back along its top 3 trajectory PCs,"
              + " along PCs 4-6, or along 3 random directions");
      show(spark, out, MANIFOLD_VERDICT);
    }
    if (views.contains(Tables.GROKKING)) {
      grokking(spark, out);
    }
    if (views.contains(Tables.ALIGNMENT)) {
      section(
          out,
          "Cross-seed subspace alignment: mean cos^2 of principal angles against random subspaces (k/p)");
      show(
          spark,
          out,
          """
          SELECT group_key, varied, block, count(*) AS pairs, round(avg(mean_cos2), 4) AS mean_cos2,
                 round(avg(random_mean_cos2), 5) AS random_mean_cos2, round(avg(mean_cos2) / avg(random_mean_cos2), 1) AS ratio
          FROM alignment GROUP BY group_key, varied, block ORDER BY group_key, varied, block""");
    }
  }

  /** The follow-up's measurements (method 9.5) and its interventions, each against its baseline. */
  private static void grokking(SparkSession spark, PrintStream out) {
    section(
        out,
        "Grokking per operation, runs without intervention (mean over seeds): memorisation, grok steps, the defect's"
            + " onset and lead, and PC1 of the attention matrices against the random walk");
    show(
        spark,
        out,
        """
        WITH pc AS (SELECT cell_id, avg(pc1) AS pc1, avg(null_pc1) AS null_pc1 FROM dimensions WHERE block <> 'all' GROUP BY cell_id)
        SELECT g.operation, r.weight_decay AS wd, r.lr, count(*) AS runs, sum(CAST(g.grokked AS INT)) AS grokked,
               round(avg(g.memorization_step)) AS memorization, round(avg(g.grok_step_90)) AS grok_90,
               round(avg(g.grok_step_patience)) AS grok_patience, round(avg(g.onset_step)) AS onset, round(avg(g.lead)) AS lead,
               round(avg(g.normalized_lead), 3) AS normalized_lead, round(avg(g.growth), 1) AS growth,
               round(avg(pc.pc1), 3) AS attention_pc1, round(avg(pc.null_pc1), 3) AS random_walk_pc1
        FROM grokking g JOIN runs r ON g.cell_id = r.cell_id LEFT JOIN pc ON g.cell_id = pc.cell_id
        WHERE g.intervention_kind = 'none' GROUP BY g.operation, r.weight_decay, r.lr ORDER BY 1, 2, 3""");
    section(
        out,
        "The lead's power law over runs without intervention: lead = e^intercept grok_step_90^alpha (positive leads)");
    show(
        spark,
        out,
        """
        SELECT scope, n, round(alpha, 3) AS alpha, round(log_intercept, 3) AS log_intercept, round(r2, 3) AS r2,
               positive_leads, nonzero_leads, round(sign_test_p, 4) AS sign_test_p
        FROM lead_scaling ORDER BY scope""");
    section(
        out,
        "Interventions: how many runs grokked (test 90%) and when, next to their baseline (no intervention)");
    show(
        spark,
        out,
        """
        SELECT g.operation, g.intervention_kind AS kind, r.intervention_basis AS basis, r.intervention_target AS target,
               r.intervention_scope AS scope, r.intervention_strength AS s, r.intervention_direction AS direction,
               count(*) AS runs, sum(CAST(g.grokked AS INT)) AS grokked, round(avg(g.grok_step_90)) AS grok_90,
               max(g.steps_done) AS last_step
        FROM grokking g JOIN runs r ON g.cell_id = r.cell_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        ORDER BY 1, CASE kind WHEN 'none' THEN 0 WHEN 'project' THEN 1 ELSE 2 END, 3, 4, 5, 6, 7""");
  }

  private static void section(PrintStream out, String title) {
    out.println();
    out.println("== " + title);
  }

  private static void show(SparkSession spark, PrintStream out, String sql) {
    TableOutput.show(spark.sql(sql), 10_000, out);
  }
}
