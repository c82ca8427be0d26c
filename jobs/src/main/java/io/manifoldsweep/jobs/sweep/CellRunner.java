package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.BuildInfo;
import io.manifoldsweep.analysis.TrajectoryBasis;
import io.manifoldsweep.intervene.Basis;
import io.manifoldsweep.intervene.InterventionSpec;
import io.manifoldsweep.jobs.table.CellTables;
import io.manifoldsweep.jobs.table.CommittedFile;
import io.manifoldsweep.jobs.table.ParquetFiles;
import io.manifoldsweep.jobs.table.ParquetRecordSink;
import io.manifoldsweep.jobs.table.RunsRow;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.kernel.NativeBlas;
import io.manifoldsweep.kernel.NativePlatform;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.record.RunStatus;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.train.NativeThreads;
import io.manifoldsweep.train.ResumePoint;
import io.manifoldsweep.train.ResumeStore;
import io.manifoldsweep.train.Trainer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one cell on an executor and commits it. Records stream into Parquet parts in the cell's
 * resume area, which also holds a resume point every {@code record.resume_every} steps; a retried
 * attempt, or the next sweep, continues from the newest point. On commit the parts are joined into
 * one file per table in a private staging folder, moved into the table folders under the cell's id,
 * and the runs row is written last: a crash at any point leaves a cell without a runs row, which
 * the next sweep discards and trains again from its resume point.
 */
final class CellRunner {
  private static final Logger LOG = LoggerFactory.getLogger(CellRunner.class);
  private static final ParquetFiles.Encoding ENCODING = ParquetFiles.Encoding.PLAIN_ZSTD;

  /** Where the cell ran and how, for the runs row. */
  record Context(
      int threads,
      int attempt,
      boolean lastAttempt,
      String sparkVersion,
      String sparkApp,
      String executor) {}

  private CellRunner() {}

  /** What the driver hears about a cell. */
  record Outcome(String cellId, String status, String summary) implements java.io.Serializable {}

  /**
   * Trains and commits the cell; throws to let Spark retry a failed attempt that has retries left.
   */
  static Outcome run(CellSpec cell, SweepFolder folder, Context ctx, SweepHooks hooks)
      throws IOException {
    // an executor of another platform than the driver's: a retry may land on one that can train
    NativePlatform.require();
    NativeThreads.set(ctx.threads());
    FileSystem fs = folder.fs();
    Configuration conf = fs.getConf();
    Path runsFile = folder.tableFile(Tables.RUNS, cell.cellId());
    if (fs.exists(runsFile)) {
      RunsRow row = RunsRow.read(conf, runsFile);
      if (row.committed()) {
        return new Outcome(
            cell.cellId(), row.status(), cell.cellId() + " already committed by another attempt");
      }
    }
    Path staging = folder.staging(cell.cellId(), UUID.randomUUID().toString().substring(0, 8));
    fs.mkdirs(staging);
    try {
      RunResult result = trainAndCommit(cell, folder, ctx, hooks, staging, runsFile);
      String summary =
          String.format(
                  "%s %s status=%s steps=%d eval_acc=%.4f wall=%.1fs recording=%.1fs",
                  cell.cellId(),
                  cell.axes(),
                  result.status().label(),
                  result.stepsDone(),
                  result.finalEvalAccuracy(),
                  result.wallSeconds(),
                  result.recordingSeconds())
              + (result.status() == RunStatus.FAILED
                  ? " error: " + result.message().lines().findFirst().orElse("")
                  : "");
      LOG.info("cell {}", summary);
      return new Outcome(cell.cellId(), result.status().label(), summary);
    } finally {
      fs.delete(staging, true);
      fs.delete(folder.progressFile(cell.cellId()), false);
    }
  }

  private static RunResult trainAndCommit(
      CellSpec cell, SweepFolder folder, Context ctx, SweepHooks hooks, Path staging, Path runsFile)
      throws IOException {
    FileSystem fs = folder.fs();
    Configuration conf = fs.getConf();
    long startedAt = System.currentTimeMillis();
    String id = cell.cellId();
    CellResume resume = new CellResume(fs, folder.resumeDir(id));
    Optional<CellResume.Saved> saved = resume.latest();
    LOG.info(
        "cell {} {}: training {} steps from step {} (attempt {})",
        id,
        cell.axes(),
        cell.config().train().steps(),
        saved.map(s -> s.point().step()).orElse(0L),
        ctx.attempt());
    RunResult result;
    ParquetRecordSink sink =
        new ParquetRecordSink(
            conf,
            resume.dir(),
            id,
            cell.config().record().commutatorVectors().name().toLowerCase(java.util.Locale.ROOT),
            ENCODING,
            staging.getName(),
            saved.map(CellResume.Saved::parts).orElse(Map.of()));
    try (sink) {
      ResumeStore store =
          new ResumeStore() {
            @Override
            public Optional<ResumePoint> latest() {
              return saved.map(CellResume.Saved::point);
            }

            @Override
            public void save(ResumePoint point) throws IOException {
              sink.roll();
              resume.save(point, sink.parts());
            }
          };
      if (hooks.failEveryAttemptOf().contains(id)) {
        throw new IllegalStateException(
            "test hook: cell " + id + " fails on every attempt\nand says more on a second line");
      }
      Trainer trainer =
          new Trainer(
              cell.config(),
              new CellProgressWriter(folder, id, killAt(cell, hooks, ctx), System::nanoTime));
      referenceBasis(cell, folder).ifPresent(trainer::withBasis);
      result = trainer.run(sink, store);
    } catch (RuntimeException | IOException e) {
      // a full or read-only folder fails every cell alike: the sweep stops and says so once
      if (!ctx.lastAttempt() || FolderFault.of(e).isPresent()) {
        throw e;
      }
      LOG.error("cell {} failed on its last attempt", id, e);
      result = RunResult.failed((System.currentTimeMillis() - startedAt) / 1e3, String.valueOf(e));
    }
    List<CommittedFile> committed = new ArrayList<>();
    if (result.status() != RunStatus.FAILED) {
      Map<String, List<Path>> parts = sink.parts();
      for (String table : Tables.CELL_DATA) {
        Path merged = new Path(staging, table + ".parquet");
        ParquetFiles.concat(conf, parts.get(table), Tables.schema(table), merged, ENCODING);
        Path target = folder.tableFile(table, id);
        moveInto(fs, merged, target);
        // read back where it landed: the record says what the folder holds, not what was sent
        committed.add(CommittedFile.of(fs, table, target));
      }
    }
    if (hooks.failFirstAttemptOf().contains(id) && ctx.attempt() == 0) {
      throw new IllegalStateException(
          "test hook: first attempt of cell " + id + " dies before its runs row");
    }
    Path stagedRuns = new Path(staging, Tables.RUNS + ".parquet");
    RunsFile.write(
        conf,
        stagedRuns,
        new RunsFile.Run(
            cell, result, provenance(ctx), startedAt, System.currentTimeMillis(), committed));
    if (fs.exists(runsFile) && RunsRow.read(conf, runsFile).committed()) {
      LOG.info("cell {}: another attempt committed first; discarding this one's runs row", id);
    } else {
      moveInto(fs, stagedRuns, runsFile);
      if (result.status() != RunStatus.FAILED) {
        resume.clear();
      }
    }
    return result;
  }

  /**
   * The basis of a {@code basis: reference} intervention: the top principal directions of each
   * attention matrix in the reference cell's committed trajectory (method 9.4).
   */
  private static Optional<Basis> referenceBasis(CellSpec cell, SweepFolder folder)
      throws IOException {
    InterventionSpec iv = cell.config().intervention();
    if (iv.none() || iv.basis() != InterventionSpec.Basis.REFERENCE) {
      return Optional.empty();
    }
    String ref = cell.config().reference().cellId();
    Path runs = folder.tableFile(Tables.RUNS, ref);
    if (!folder.fs().exists(runs) || !RunsRow.read(folder.fs().getConf(), runs).committed()) {
      throw new IOException(
          "its reference cell "
              + ref
              + " (the same cell without intervention) is not committed: it failed or has not run");
    }
    ParamLayout layout = ParamLayout.of(cell.config().model());
    Map<String, double[][]> trajectories = new LinkedHashMap<>();
    for (Map.Entry<String, CellTables.BlockTrajectory> e :
        new CellTables(folder.fs().getConf(), folder.root(), ref).snapshots().entrySet()) {
      if (layout.blockNames().contains(e.getKey())) {
        trajectories.put(e.getKey(), e.getValue().widened());
      }
    }
    return Optional.of(TrajectoryBasis.of(layout, trajectories, iv.components()));
  }

  /**
   * The step from which the tests' hook makes this attempt die; never on retries or without the
   * hook.
   */
  private static long killAt(CellSpec cell, SweepHooks hooks, Context ctx) {
    Long at = hooks.killFirstAttemptAt().get(cell.cellId());
    return at != null && ctx.attempt() == 0 ? at : Long.MAX_VALUE;
  }

  /** Rename with replace: the destination, if any, is an identical copy from an earlier attempt. */
  private static void moveInto(FileSystem fs, Path from, Path to) throws IOException {
    fs.mkdirs(to.getParent());
    fs.delete(to, false);
    if (!fs.rename(from, to) && !fs.exists(to)) {
      throw new IOException("cannot move " + from + " to " + to);
    }
  }

  private static RunsFile.Provenance provenance(Context ctx) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    NativeBlas blas = NativeBlas.get();
    return new RunsFile.Provenance(
        BuildInfo.projectVersion(),
        ctx.sparkVersion(),
        BuildInfo.nd4jVersion(),
        System.getProperty("java.version"),
        host,
        blas.cpu().model(),
        blas.describe(),
        ctx.attempt(),
        ctx.sparkApp(),
        ctx.executor(),
        ctx.threads(),
        NativeThreads.environment(System.getenv()));
  }
}
