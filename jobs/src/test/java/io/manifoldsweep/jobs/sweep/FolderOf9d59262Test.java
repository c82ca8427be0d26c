package io.manifoldsweep.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.TestFiles;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.jobs.analyze.AnalyzeJob;
import io.manifoldsweep.jobs.table.ResultViews;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A results folder written by main at 9d59262 ({@code results-9d59262.yaml}: one committed cell,
 * one stopped at step 130 with a resume point at step 100) still resumes and analyses: the stopped
 * cell continues from its resume point, and both cells then hold exactly the rows that a fresh
 * sweep of today's code writes, so a refactoring that changed what a cell trains or records fails
 * here.
 */
class FolderOf9d59262Test {
  private static final Path FIXTURE = Path.of("src/test/resources/results-9d59262");
  private static final Path YAML = Path.of("src/test/resources/results-9d59262.yaml");
  private static final String COMMITTED = "9892c2b57c06fef0";
  private static final String STOPPED = "4d23a9ac72356a20";
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSessions.local("local[2]", "FolderOf9d59262Test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> table(Path dir, String table) {
    return spark.read().parquet(dir.resolve(table).toString());
  }

  @Test
  void theStoppedCellResumesBothMatchAFreshSweepAndTheFolderAnalyses(@TempDir Path tmp)
      throws IOException {
    Path dir = TestFiles.copyTree(FIXTURE, tmp.resolve("old"), p -> true);
    SweepSpec spec = SweepSpec.parse(Files.readString(YAML), YAML.toString());
    List<CellSpec> cells = spec.cells();
    assertThat(cells).extracting(CellSpec::cellId).containsExactly(COMMITTED, STOPPED);

    SweepJob.Outcome resumed =
        new SweepJob(spark, TestOutput.discarded(), 60_000)
            .run(spec, cells, dir.toString(), SweepHooks.NONE);
    assertThat(resumed.skipped()).isEqualTo(1);
    assertThat(resumed.statusByCell()).containsOnlyKeys(STOPPED).containsEntry(STOPPED, "ok");
    Row run =
        table(dir, Tables.RUNS)
            .where("cell_id = '" + STOPPED + "'")
            .select("resumes", "resumed_from", "steps_trained")
            .first();
    assertThat(run.getInt(0)).isEqualTo(1);
    assertThat(run.getString(1)).isEqualTo("100");
    assertThat(run.getLong(2)).isEqualTo(100);

    Path fresh = tmp.resolve("fresh");
    new SweepJob(spark, TestOutput.discarded(), 60_000)
        .run(spec, cells, fresh.toString(), SweepHooks.NONE);
    for (String t : Tables.CELL_DATA) {
      Dataset<Row> old = table(dir, t);
      Dataset<Row> now = table(fresh, t);
      assertThat(old.count()).as("%s rows", t).isEqualTo(now.count()).isPositive();
      assertThat(old.exceptAll(now).count())
          .as("%s rows of the old folder that today's code does not write", t)
          .isZero();
    }

    AnalyzeJob.Outcome analysed =
        new AnalyzeJob(spark, TestOutput.discarded())
            .run(dir.toString(), 2, Optional.of(spec.sae()));
    assertThat(analysed.analysed()).isEqualTo(2);
    assertThat(analysed.saes())
        .as("2 cells x 2 checkpoints x 1 layer x 1 width x 1 k")
        .isEqualTo(4);
    ResultViews.register(spark, dir.toString());
    assertThat(spark.sql("SELECT count(*) FROM dimensions WHERE block = 'all'").first().getLong(0))
        .isEqualTo(2);
  }
}
