package io.manifoldsweep.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.TestFiles;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.jobs.analyze.AnalyzeJob;
import io.manifoldsweep.jobs.sweep.SweepHooks;
import io.manifoldsweep.jobs.sweep.SweepJob;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tables read in DuckDB, with nothing of this project, as they read in Spark: the README's
 * recipe ({@code read_parquet('DIR/TABLE/*.parquet', union_by_name = true)}, cell data filtered on
 * the runs table) on a folder a user really has, one an older version started and this one finished
 * (its runs files lack the newer provenance columns, which a plain glob refuses) and analysed.
 */
class DuckDbReaderTest {
  private static SparkSession spark;

  @TempDir static Path shared;

  private static Path folder;

  @BeforeAll
  static void sweepAndAnalyse() throws IOException {
    spark = TestSessions.local("local[2]", "DuckDbReaderTest");
    folder =
        TestFiles.copyTree(
            Path.of("src/test/resources/results-b6fe6ed"), shared.resolve("results"), p -> true);
    SweepSpec spec = SweepSpec.parse(TestFiles.tinyYaml(), "tiny.yaml");
    new SweepJob(spark, TestOutput.discarded(), 60_000)
        .run(spec, spec.cells(), folder.toString(), SweepHooks.NONE);
    SaeSettings small =
        SaeSettings.parse(
            "{width: 32, k: 4, steps: 50, batch_size: 128, examples: 64, ablation_examples: 16}");
    new AnalyzeJob(spark, TestOutput.discarded()).run(folder.toString(), 3, Optional.of(small));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void everyTableReadsTheSameInDuckDbAsInSpark() throws Exception {
    List<String> expected = new ArrayList<>(List.of(Tables.RUNS));
    expected.addAll(Tables.CELL_DATA);
    // a folder of marker cells: no grokking tables
    expected.addAll(Tables.MANIFOLD_ANALYSIS);
    expected.addAll(Tables.SAE_ANALYSIS);
    List<String> tables;
    try (Stream<Path> dirs = Files.list(folder)) {
      tables =
          dirs.filter(Files::isDirectory)
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.startsWith("_") && !n.equals("report"))
              .sorted()
              .collect(Collectors.toList());
    }
    assertThat(tables).containsExactlyInAnyOrderElementsOf(expected);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (String table : tables) {
        Dataset<Row> sparkRows =
            spark.read().option("mergeSchema", "true").parquet(folder.resolve(table).toString());
        List<String> columns = List.of(sparkRows.columns());
        assertThat(duckColumns(duck, glob(folder.resolve(table))))
            .as("columns of %s", table)
            .containsExactlyInAnyOrderElementsOf(columns);
        List<String> fromSpark =
            sparkRows.collectAsList().stream().map(DuckDbReaderTest::canonical).sorted().toList();
        List<String> fromDuck =
            duckRows(duck, "SELECT " + quoted(columns) + " FROM " + glob(folder.resolve(table)));
        assertThat(fromSpark).as("rows of %s", table).isNotEmpty();
        assertThat(fromDuck).as("rows of %s", table).containsExactlyElementsOf(fromSpark);
      }
    }
  }

  /**
   * An attempt that died between moving a cell's data files into place and writing its runs row
   * leaves data of a cell that is not committed yet (its retry or the next sweep rewrites it): the
   * recipe's filter on runs hides it, as the query views do.
   */
  @Test
  void cellDataFilteredOnRunsIsWhatTheQueryViewsShow(@TempDir Path tmp) throws Exception {
    Path dir = TestFiles.copyTree(folder, tmp.resolve("r"), p -> true);
    String orphan;
    try (Stream<Path> withCheckpoints = Files.list(dir.resolve(Tables.CHECKPOINTS))) {
      orphan =
          withCheckpoints
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
              .map(n -> n.substring(0, n.length() - ".parquet".length()))
              .sorted()
              .findFirst()
              .orElseThrow();
    }
    Files.delete(dir.resolve(Tables.RUNS).resolve(orphan + ".parquet"));
    Files.deleteIfExists(dir.resolve(Tables.RUNS).resolve("." + orphan + ".parquet.crc"));
    ResultViews.register(spark, dir.toString());
    String runs = glob(dir.resolve(Tables.RUNS));
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (String table : Tables.CELL_DATA) {
        String data = glob(dir.resolve(table));
        Dataset<Row> view = spark.sql("SELECT * FROM " + table);
        List<String> columns = List.of(view.columns());
        List<String> committed =
            duckRows(
                duck,
                "SELECT "
                    + quoted(columns)
                    + " FROM "
                    + data
                    + " WHERE cell_id IN (SELECT cell_id FROM "
                    + runs
                    + ")");
        assertThat(committed)
            .as("%s of committed cells", table)
            .containsExactlyElementsOf(
                view.collectAsList().stream().map(DuckDbReaderTest::canonical).sorted().toList());
        assertThat(
                duckRows(
                    duck, "SELECT count(*) > 0 FROM " + data + " WHERE cell_id = '" + orphan + "'"))
            .as("the uncommitted cell's %s rows are in the files", table)
            .containsExactly("[Boolean:true]");
      }
    }
  }

  /** The README's read of one table folder. */
  private static String glob(Path table) {
    return "read_parquet('" + table + "/*.parquet', union_by_name = true)";
  }

  private static String quoted(List<String> columns) {
    return columns.stream().map(c -> '"' + c + '"').collect(Collectors.joining(", "));
  }

  private static List<String> duckColumns(Connection duck, String from) throws SQLException {
    try (Statement s = duck.createStatement();
        ResultSet r = s.executeQuery("SELECT * FROM " + from + " LIMIT 0")) {
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
        names.add(r.getMetaData().getColumnName(i));
      }
      return names;
    }
  }

  private static List<String> duckRows(Connection duck, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = duck.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<Object> values = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          values.add(r.getObject(i));
        }
        rows.add(canonical(values));
      }
    }
    rows.sort(null);
    return rows;
  }

  private static String canonical(Row row) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      values.add(row.get(i));
    }
    return canonical(values);
  }

  /**
   * One value as text with its Java type, lists and structs spelled alike whichever reader made
   * them: a column read as another type (float as double, int as long) or one bit apart reads
   * differently.
   */
  private static String canonical(Object v) {
    try {
      if (v == null) {
        return "null";
      }
      if (v instanceof Row r) {
        return "{" + canonical(r) + "}";
      }
      if (v instanceof Struct s) {
        return "{" + canonical(Arrays.asList(s.getAttributes())) + "}";
      }
      if (v instanceof scala.collection.Seq<?> seq) {
        return canonical(scala.jdk.javaapi.CollectionConverters.asJava(seq));
      }
      if (v instanceof Array a) {
        return canonical(Arrays.asList((Object[]) a.getArray()));
      }
      if (v instanceof List<?> list) {
        return list.stream()
            .map(DuckDbReaderTest::canonical)
            .collect(Collectors.joining(", ", "[", "]"));
      }
      return v.getClass().getSimpleName() + ":" + v;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
