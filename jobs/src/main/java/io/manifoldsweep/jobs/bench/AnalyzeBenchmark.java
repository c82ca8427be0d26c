package io.manifoldsweep.jobs.bench;

import io.manifoldsweep.BuildInfo;
import io.manifoldsweep.jobs.analyze.AnalyzeJob;
import io.manifoldsweep.jobs.cli.SparkSessions;
import io.manifoldsweep.jobs.sweep.RunsFile;
import io.manifoldsweep.jobs.table.ForklessLocalFileSystem;
import io.manifoldsweep.jobs.table.ParquetFiles;
import io.manifoldsweep.jobs.table.ParquetRecordSink;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.record.AttentionStats;
import io.manifoldsweep.record.CommutatorRecord;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.record.RunStatus;
import io.manifoldsweep.record.SnapshotRecord;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Analysis throughput on synthetic runs (three slow directions plus noise per block, with metrics
 * and commutators), at local[1] and local[2] in the same process; prints runs/s and the scaling.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = "Benchmark the analysis job on synthetic trajectories.")
public final class AnalyzeBenchmark implements Callable<Integer> {
  @Option(
      names = "--runs",
      defaultValue = "24",
      description = "Synthetic runs (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--layers",
      defaultValue = "2",
      description = "Layers: 4 blocks each (default ${DEFAULT-VALUE}).")
  int layers;

  @Option(
      names = "--d-model",
      defaultValue = "64",
      description = "Width: d^2 coordinates per block (default ${DEFAULT-VALUE}).")
  int dModel;

  @Option(
      names = "--snapshots",
      defaultValue = "101",
      description = "Snapshots per run (default ${DEFAULT-VALUE}).")
  int snapshots;

  @Option(
      names = "--commutators",
      defaultValue = "11",
      description = "Commutator records per run (default ${DEFAULT-VALUE}).")
  int commutators;

  private final PrintStream out;

  public AnalyzeBenchmark(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    Path dir = Files.createTempDirectory("ms-bench-analyze");
    try {
      long bytes = generate(dir);
      out.printf(
          "synthetic: %d runs x %d blocks x %d snapshots x %d coordinates (%.1f MB of Parquet)%n",
          runs, 4 * layers, snapshots, dModel * dModel, bytes / 1e6);
      double one = time(dir, 1);
      double two = time(dir, 2);
      out.printf("local[1]: %.1f s, %.2f runs/s%n", one, runs / one);
      out.printf("local[2]: %.1f s, %.2f runs/s%n", two, runs / two);
      out.printf(Locale.ROOT, "scaling_efficiency=%.3f%n", one / two / 2);
      return 0;
    } finally {
      BenchFolders.delete(dir);
    }
  }

  private double time(Path dir, int cores) {
    SparkSession spark =
        SparkSessions.create(
            "bench-analyze", "local[" + cores + "]", Map.of("spark.ui.enabled", "false"), "WARN");
    try {
      AnalyzeJob job =
          new AnalyzeJob(
              spark, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      long t0 = System.nanoTime();
      job.run(dir.toString(), 3, java.util.Optional.empty());
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      spark.stop();
    }
  }

  private long generate(Path dir) throws IOException {
    String yaml =
        """
        name: synthetic
        task: {vocab: 64, modulus: 7, seq_len: 12, markers: {min: 1, max: 2}, marker_base: 32}
        model: {layers: %d, d_model: %d, heads: 4}
        train: {steps: %d, init_seed: {range: [0, %d]}}
        record: {snapshot_every: 100, commutator_every: %d}
        """
            .formatted(
                layers,
                dModel,
                (snapshots - 1) * 100,
                runs,
                (snapshots - 1) * 100 / Math.max(1, commutators - 1));
    List<CellSpec> cells = SweepSpec.parse(yaml, "synthetic").cells();
    Configuration conf = ForklessLocalFileSystem.configuration();
    for (CellSpec cell : cells) {
      ParamLayout layout = ParamLayout.of(cell.config().model());
      org.apache.hadoop.fs.Path staging =
          new org.apache.hadoop.fs.Path(dir.resolve("_gen").resolve(cell.cellId()).toUri());
      Random rng = new Random(cell.config().train().initSeed());
      ParquetRecordSink sink =
          new ParquetRecordSink(
              conf,
              staging,
              cell.cellId(),
              "attention",
              ParquetFiles.Encoding.PLAIN_ZSTD,
              "bench",
              Map.of());
      try (sink) {
        writeCell(sink, layout, rng);
      }
      for (Map.Entry<String, List<org.apache.hadoop.fs.Path>> e : sink.parts().entrySet()) {
        for (org.apache.hadoop.fs.Path part : e.getValue()) {
          Files.createDirectories(dir.resolve(e.getKey()));
          Files.move(
              Path.of(part.toUri()), dir.resolve(e.getKey()).resolve(cell.cellId() + ".parquet"));
        }
      }
      Files.createDirectories(dir.resolve(Tables.RUNS));
      RunsFile.write(
          conf,
          new org.apache.hadoop.fs.Path(
              dir.resolve(Tables.RUNS).resolve(cell.cellId() + ".parquet").toUri()),
          new RunsFile.Run(
              cell,
              new RunResult(
                  RunStatus.OK,
                  cell.config().train().steps(),
                  0,
                  0,
                  1.0,
                  "",
                  java.util.List.of(),
                  cell.config().train().steps()),
              new RunsFile.Provenance(
                  BuildInfo.projectVersion(),
                  "bench",
                  BuildInfo.nd4jVersion(),
                  System.getProperty("java.version"),
                  "bench",
                  "bench",
                  "bench",
                  0,
                  "bench",
                  "bench",
                  1,
                  ""),
              0,
              0,
              List.of()));
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private void writeCell(ParquetRecordSink sink, ParamLayout layout, Random rng) {
    List<String> blocks = layout.blockNames();
    int p = dModel * dModel;
    double[][][] directions = new double[blocks.size()][3][p];
    for (double[][] block : directions) {
      for (double[] dir : block) {
        for (int c = 0; c < p; c++) {
          dir[c] = rng.nextGaussian() / Math.sqrt(p);
        }
      }
    }
    double[][][] attention = new double[1][layers][4];
    for (int t = 0; t < snapshots; t++) {
      long step = t * 100L;
      for (int b = 0; b < blocks.size(); b++) {
        float[] x = new float[p];
        for (int j = 0; j < 3; j++) {
          double a = (1 - Math.exp(-(t + 1.0) / (5.0 * (j + 1)))) * (3 - j);
          for (int c = 0; c < p; c++) {
            x[c] += (float) (a * directions[b][j][c]);
          }
        }
        for (int c = 0; c < p; c++) {
          x[c] += (float) (0.01 * rng.nextGaussian() / Math.sqrt(p));
        }
        sink.snapshot(new SnapshotRecord(step, blocks.get(b), x));
      }
      for (double[] heads : attention[0]) {
        java.util.Arrays.fill(heads, Math.exp(-t / 20.0));
      }
      sink.metrics(
          new MetricsRecord(
              step, 1.0, null, null, new AttentionStats(1, attention, attention, attention), null));
    }
    long last = (snapshots - 1) * 100L;
    for (int i = 0; i < commutators; i++) {
      float[] delta = new float[(int) layout.attentionSize()];
      for (int c = 0; c < delta.length; c++) {
        delta[c] = (float) rng.nextGaussian();
      }
      double norm = Math.sqrt(delta.length * 1.2);
      sink.commutator(
          new CommutatorRecord(
              last * i / Math.max(1, commutators - 1), 3, 1, 2, 0.1, delta, norm, norm * 0.4));
    }
  }
}
