package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.jobs.table.FolderLease;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Trains every cell of a sweep that its results folder does not hold yet, one Spark task per cell,
 * longest cells first. Running it again resumes: finished cells are skipped and the leftovers of
 * unfinished ones are discarded before they are trained again.
 */
public final class SweepJob {
  /** How a sweep run went. */
  public record Outcome(int totalCells, int skipped, Map<String, String> statusByCell) {
    public long count(String status) {
      return statusByCell.values().stream().filter(status::equals).count();
    }
  }

  static final int CELL_LINES_ON_CONSOLE = 50;

  private static final Pattern LOCAL_WITH_RETRIES =
      Pattern.compile("local\\[[^,\\]]+,\\s*(\\d+)\\]");

  private final SparkSession spark;
  private final PrintStream out;
  private final long progressIntervalMs;

  public SweepJob(SparkSession spark, PrintStream out, long progressIntervalMs) {
    this.spark = spark;
    this.out = out;
    this.progressIntervalMs = progressIntervalMs;
  }

  public Outcome run(SweepSpec spec, List<CellSpec> cells, String outUri, SweepHooks hooks) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    SweepFolder folder = SweepFolder.at(hadoop, outUri);
    folder.refuseFile();
    try (FolderLease lease =
        FolderLease.acquire(folder.fs(), folder.root(), "sweep " + spec.name(), out)) {
      return run(spec, cells, folder, hooks);
    }
  }

  private Outcome run(SweepSpec spec, List<CellSpec> cells, SweepFolder folder, SweepHooks hooks) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    folder.claim(spec);
    Set<String> finished = folder.finishedCells();
    List<CellSpec> pending =
        cells.stream()
            .filter(c -> !finished.contains(c.cellId()))
            .sorted(Comparator.comparingDouble(CellSpec::cost).reversed())
            .toList();
    int skipped = cells.size() - pending.size();
    out.printf(
        "[%s] %d cells, %d already finished in %s, %d to train%n",
        spec.name(), cells.size(), skipped, folder.root(), pending.size());
    if (pending.isEmpty()) {
      return new Outcome(cells.size(), skipped, Map.of());
    }
    folder.discardUnfinished(pending.stream().map(CellSpec::cellId).collect(Collectors.toSet()));

    Map<String, CellSpec> byId = new LinkedHashMap<>();
    for (CellSpec c : pending) {
      byId.put(c.cellId(), c);
    }
    Map<String, String> conf = new HashMap<>();
    hadoop.forEach(e -> conf.put(e.getKey(), e.getValue()));
    CellTask task =
        new CellTask(folder.root().toString(), conf, maxTaskAttempts(), spark.version(), hooks);

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setJobGroup(
        "sweep-" + spec.name(), "sweep " + spec.name() + ": " + pending.size() + " cells", true);
    List<CellRunner.Outcome> outcomes;
    Set<String> finishedIds = Set.copyOf(finished);
    try (SweepProgress progress =
        new SweepProgress(
            spec.name(),
            folder,
            byId,
            finishedIds,
            cells.size(),
            out,
            progressIntervalMs,
            System::nanoTime)) {
      try {
        // references first: an intervened cell builds its basis from its reference's trajectory
        outcomes =
            new ArrayList<>(
                stage(jsc, task, pending.stream().filter(c -> !c.intervened()).toList()));
        outcomes.addAll(stage(jsc, task, pending.stream().filter(CellSpec::intervened).toList()));
      } catch (Exception e) {
        // a failed job is Spark's checked SparkException, which Java sees as never thrown here
        Optional<FolderFault> fault = FolderFault.of(e);
        if (fault.isPresent()) {
          throw fault.get().stopped(folder, cells);
        }
        throw e;
      }
      progress.report();
    } finally {
      jsc.clearJobGroup();
      folder.tidy();
    }
    Map<String, String> status = new LinkedHashMap<>();
    for (CellRunner.Outcome o : outcomes) {
      status.put(o.cellId(), o.status());
    }
    reportCells(spec.name(), folder, outcomes);
    return new Outcome(cells.size(), skipped, status);
  }

  /**
   * Every trained cell's line: on the console for sweeps of at most {@value #CELL_LINES_ON_CONSOLE}
   * cells, else in a file of the folder's {@code _logs} that the console names, with the failed
   * cells' lines on the console in any case.
   */
  private void reportCells(String name, SweepFolder folder, List<CellRunner.Outcome> outcomes) {
    if (outcomes.size() <= CELL_LINES_ON_CONSOLE) {
      outcomes.forEach(o -> out.println("  " + o.summary()));
      return;
    }
    Path file =
        new Path(
            new Path(folder.root(), SweepFolder.LOGS),
            name
                + "-cells-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + ".txt");
    try (OutputStream o = folder.fs().create(file, true)) {
      for (CellRunner.Outcome c : outcomes) {
        o.write((c.summary() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      out.printf("  one line per trained cell: %s%n", file);
    } catch (IOException e) {
      out.printf("  (could not write the cells' lines to %s: %s)%n", file, e.getMessage());
    }
    outcomes.stream()
        .filter(o -> o.status().equals("failed"))
        .forEach(o -> out.println("  " + o.summary()));
  }

  /**
   * One Spark job of cells, one partition each: Spark schedules partitions in order, so the longest
   * cells (the list's order) start first.
   */
  private static List<CellRunner.Outcome> stage(
      JavaSparkContext jsc, CellTask task, List<CellSpec> cells) {
    return cells.isEmpty() ? List.of() : jsc.parallelize(cells, cells.size()).map(task).collect();
  }

  /** Attempts per task: local[N,F] gives F, otherwise spark.task.maxFailures. */
  private int maxTaskAttempts() {
    Matcher m = LOCAL_WITH_RETRIES.matcher(spark.sparkContext().master());
    if (m.matches()) {
      return Integer.parseInt(m.group(1));
    }
    if (spark.sparkContext().master().startsWith("local")) {
      return 1;
    }
    return spark.sparkContext().getConf().getInt("spark.task.maxFailures", 4);
  }
}
