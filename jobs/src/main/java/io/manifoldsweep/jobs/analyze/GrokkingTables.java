package io.manifoldsweep.jobs.analyze;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.manifoldsweep.analysis.Grokking;
import io.manifoldsweep.analysis.LeadScaling;
import io.manifoldsweep.jobs.table.CellTables;
import io.manifoldsweep.knob.CanonicalJson;
import io.manifoldsweep.sweep.GrokkingSettings;
import io.manifoldsweep.task.TaskKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The grokking tables of method 9.5: {@code grokking}, one row per modular cell, and {@code
 * lead_scaling}, the lead's power law over the cells without intervention, for the whole sweep and
 * per operation. Every row carries the thresholds it was computed with.
 */
final class GrokkingTables {
  static final StructType GROKKING_SCHEMA =
      new StructType()
          .add("cell_id", StringType, false)
          .add("group_key", StringType, false)
          .add("operation", StringType, false)
          .add("intervention_kind", StringType, false)
          .add("steps_done", LongType, true)
          .add("memorization_step", LongType, true)
          .add("grok_step_90", LongType, true)
          .add("grok_step_patience", LongType, true)
          .add("grokked", BooleanType, false)
          .add("defect_baseline", DoubleType, true)
          .add("onset_step", LongType, true)
          .add("lead", LongType, true)
          .add("normalized_lead", DoubleType, true)
          .add("growth", DoubleType, true)
          .add("settings", StringType, false);

  static final StructType LEAD_SCALING_SCHEMA =
      new StructType()
          .add("scope", StringType, false)
          .add("n", IntegerType, false)
          .add("alpha", DoubleType, true)
          .add("log_intercept", DoubleType, true)
          .add("r2", DoubleType, true)
          .add("positive_leads", IntegerType, false)
          .add("nonzero_leads", IntegerType, false)
          .add("sign_test_p", DoubleType, false)
          .add("settings", StringType, false);

  private GrokkingTables() {}

  /** The grokking row of a cell, or none for a marker cell. */
  static List<Row> of(AnalyzeJob.Cell cell, CellTables tables, GrokkingSettings s)
      throws IOException {
    if (cell.config().task().kind() != TaskKind.MODULAR) {
      return List.of();
    }
    CellTables.SplitSeries evals = tables.splitSeries();
    List<CellTables.Commutator> records = tables.commutators();
    long[] defectSteps = records.stream().mapToLong(CellTables.Commutator::step).toArray();
    double[] defects = records.stream().mapToDouble(CellTables.Commutator::defectMedian).toArray();
    Grokking.Metrics m =
        Grokking.of(
            evals.steps(),
            evals.trainAccuracy(),
            evals.testAccuracy(),
            defectSteps,
            defects,
            thresholds(s));
    Long last = evals.steps().length == 0 ? null : evals.steps()[evals.steps().length - 1];
    return List.of(
        RowFactory.create(
            cell.cellId(),
            cell.groupKey(),
            cell.config().task().operation().label(),
            cell.config().intervention().kind().name().toLowerCase(java.util.Locale.ROOT),
            last,
            m.memorizationStep(),
            m.grokStep90(),
            m.grokStepPatience(),
            m.grokked(),
            finite(m.defectBaseline()),
            m.onsetStep(),
            m.lead(),
            m.normalizedLead(),
            finite(m.growth()),
            CanonicalJson.of(s.toTree())));
  }

  static Grokking.Thresholds thresholds(GrokkingSettings s) {
    return new Grokking.Thresholds(
        s.memorization(),
        s.grok(),
        s.stopAccuracy(),
        s.patience(),
        s.onsetFactor(),
        s.onsetFloor(),
        s.baselineMin());
  }

  /**
   * The lead's fit over cells without intervention that grokked: for them all ({@code scope: all})
   * and per operation ({@code operation=add}, ...).
   */
  static List<Row> leadScaling(List<Row> grokking, GrokkingSettings s) {
    Map<String, List<Row>> scopes = new LinkedHashMap<>();
    for (Row r : grokking) {
      if (!"none".equals(r.getString(3)) || r.isNullAt(6)) {
        continue;
      }
      scopes.computeIfAbsent("all", k -> new ArrayList<>()).add(r);
      scopes.computeIfAbsent("operation=" + r.getString(2), k -> new ArrayList<>()).add(r);
    }
    List<Row> out = new ArrayList<>();
    for (Map.Entry<String, List<Row>> e : scopes.entrySet()) {
      List<Row> rows = e.getValue();
      long[] grok = new long[rows.size()];
      Long[] leads = new Long[rows.size()];
      for (int i = 0; i < grok.length; i++) {
        grok[i] = rows.get(i).getLong(6);
        leads[i] = rows.get(i).isNullAt(11) ? null : rows.get(i).getLong(11);
      }
      LeadScaling.Fit f = LeadScaling.of(grok, leads);
      out.add(
          RowFactory.create(
              e.getKey(),
              f.n(),
              finite(f.alpha()),
              finite(f.logIntercept()),
              finite(f.r2()),
              f.positiveLeads(),
              f.nonzeroLeads(),
              f.signTestP(),
              CanonicalJson.of(s.toTree())));
    }
    return out;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
