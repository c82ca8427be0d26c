package io.manifoldsweep.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.jobs.analyze.AnalyzeJob;
import io.manifoldsweep.jobs.report.ReportJob;
import io.manifoldsweep.jobs.table.ResultViews;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/grokking-quick.yaml end to end: the sweep adds and trains the references its interventions
 * need first (one killed mid-run and resumed), builds each reference basis from its reference's
 * committed trajectory, and the analysis, summary tables and report cover every cell.
 */
class GrokkingSweepTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    // two attempts per task, as a cluster retries a lost executor's tasks
    spark = TestSessions.local("local[2,2]", "GrokkingSweepTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  void referencesFirstThenInterventionsThenTheGrokkingTables(@TempDir Path tmp) throws IOException {
    Path yaml = Path.of("../conf/grokking-quick.yaml");
    SweepSpec spec = SweepSpec.parse(Files.readString(yaml), yaml.toString());
    List<CellSpec> cells = spec.cells();
    List<CellSpec> references = cells.stream().filter(CellSpec::addedReference).toList();
    assertThat(references).as("one reference per operation, which the grid lacks").hasSize(2);
    assertThat(cells.stream().filter(CellSpec::intervened)).hasSize(6);
    String killed = references.get(0).cellId();

    Path dir = tmp.resolve("grokking-quick");
    SweepJob.Outcome outcome =
        new SweepJob(spark, TestOutput.discarded(), 60_000)
            .run(
                spec,
                cells,
                dir.toString(),
                new SweepHooks(Set.of(), Map.of(killed, 620L), Set.of()));
    assertThat(outcome.count("ok")).isEqualTo(8);
    ResultViews.register(spark, dir.toString());
    Row resumed =
        spark
            .sql("SELECT resumes, resumed_from FROM runs WHERE cell_id = '" + killed + "'")
            .first();
    assertThat(resumed.getInt(0)).as("the killed reference resumed").isEqualTo(1);
    assertThat(resumed.getString(1)).isEqualTo("500");
    assertThat(count("SELECT count(*) FROM runs WHERE added_reference")).isEqualTo(2);
    assertThat(
            count(
                "SELECT count(*) FROM runs WHERE intervention_kind = 'project' AND intervention_strength = 1.0"))
        .isEqualTo(4);
    assertThat(count("SELECT count(*) FROM runs WHERE kind = 'modular'"))
        .as("task.kind and intervention.kind apart")
        .isEqualTo(8);

    // an intervened cell trains as its reference up to update start - 1 (start 200, snapshots every
    // 50)
    for (Row r :
        spark
            .sql(
                "SELECT cell_id, config_json FROM runs WHERE intervention_kind = 'project' AND intervention_basis = 'reference'")
            .collectAsList()) {
      String ref = io.manifoldsweep.train.CellConfig.fromJson(r.getString(1)).reference().cellId();
      assertThat(
              count(
                  "SELECT count(*) FROM (SELECT step, block, `values` FROM snapshots WHERE cell_id = '"
                      + r.getString(0)
                      + "' AND step < 200 EXCEPT SELECT step, block, `values` FROM snapshots WHERE cell_id = '"
                      + ref
                      + "')"))
          .as("snapshots before update 200 that differ from the reference's")
          .isZero();
    }
    assertThat(count("SELECT count(*) FROM metrics WHERE test_acc IS NULL AND (step % 50 = 0)"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM metrics m JOIN runs r USING (cell_id) WHERE r.intervention_kind = 'none' AND m.update_in_basis IS NOT NULL"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM metrics m JOIN runs r USING (cell_id) WHERE r.intervention_kind <> 'none' AND m.step > 0 AND m.update_in_basis IS NULL"))
        .isZero();

    AnalyzeJob.Outcome analysed =
        new AnalyzeJob(spark, TestOutput.discarded()).run(dir.toString(), 2, Optional.empty());
    assertThat(analysed.analysed()).isEqualTo(8);
    ResultViews.register(spark, dir.toString());
    assertThat(count("SELECT count(*) FROM grokking")).isEqualTo(8);
    assertThat(count("SELECT count(*) FROM grokking WHERE intervention_kind = 'none' AND grokked"))
        .as("both references grok")
        .isEqualTo(2);
    assertThat(count("SELECT count(*) FROM grokking WHERE memorization_step IS NULL")).isZero();
    assertThat(count("SELECT count(*) FROM lead_scaling WHERE scope = 'all'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM dimensions WHERE block = 'all'")).isEqualTo(8);
    assertThat(count("SELECT count(*) FROM commutator_alignment")).isPositive();

    Path report = new ReportJob(spark, TestOutput.discarded()).run(dir.toString());
    assertThat(report.resolveSibling("sweep-lead-scaling.png")).exists();
    assertThat(report.resolveSibling("sweep-intervention-strength.png")).exists();
    assertThat(Files.readString(report))
        .contains("Train and test accuracy, defect onset and grok step");
  }
}
