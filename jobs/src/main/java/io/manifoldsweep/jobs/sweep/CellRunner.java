package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.BuildInfo;
import io.manifoldsweep.jobs.table.ParquetFiles;
import io.manifoldsweep.jobs.table.ParquetRecordSink;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.model.NativeBlas;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.record.RunStatus;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.train.NativeThreads;
import io.manifoldsweep.train.ProgressListener;
import io.manifoldsweep.train.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one cell on an executor and commits it: data files are written to a private staging folder,
 * moved into the table folders under the cell's id, and the runs row is written last. A crash at any
 * point leaves a cell without a runs row, which the next sweep discards and trains again.
 */
final class CellRunner {
  private static final Logger LOG = LoggerFactory.getLogger(CellRunner.class);
  private static final long PROGRESS_INTERVAL_MS = 5_000;

  /** Where the cell ran and how, for the runs row. */
  record Context(int threads, int attempt, boolean lastAttempt, String sparkVersion) {}

  private CellRunner() {}

  /** What the driver hears about a cell. */
  record Outcome(String cellId, String status, String summary) implements java.io.Serializable {}

  /** Trains and commits the cell; throws to let Spark retry a failed attempt that has retries left. */
  static Outcome run(CellSpec cell, SweepFolder folder, Context ctx, SweepHooks hooks) throws IOException {
    NativeThreads.set(ctx.threads());
    FileSystem fs = folder.fs();
    Configuration conf = fs.getConf();
    Path runsFile = folder.tableFile(Tables.RUNS, cell.cellId());
    if (fs.exists(runsFile) && !RunsFile.status(conf, runsFile).equals("failed")) {
      return new Outcome(cell.cellId(), RunsFile.status(conf, runsFile), cell.cellId() + " already committed by another attempt");
    }
    Path staging = folder.staging(cell.cellId(), UUID.randomUUID().toString().substring(0, 8));
    fs.mkdirs(staging);
    try {
      RunResult result = trainAndCommit(cell, folder, ctx, hooks, staging, runsFile);
      String summary = String.format("%s %s status=%s steps=%d eval_acc=%.4f wall=%.1fs",
          cell.cellId(), cell.axes(), result.status().label(), result.stepsDone(), result.finalEvalAccuracy(), result.wallSeconds());
      LOG.info("cell {}", summary);
      return new Outcome(cell.cellId(), result.status().label(), summary);
    } finally {
      fs.delete(staging, true);
      fs.delete(folder.progressFile(cell.cellId()), false);
    }
  }

  private static RunResult trainAndCommit(CellSpec cell, SweepFolder folder, Context ctx, SweepHooks hooks, Path staging, Path runsFile)
      throws IOException {
    FileSystem fs = folder.fs();
    Configuration conf = fs.getConf();
    long startedAt = System.currentTimeMillis();
    LOG.info("cell {} {}: training {} steps (attempt {})", cell.cellId(), cell.axes(), cell.config().train().steps(), ctx.attempt());
    RunResult result;
    try (ParquetRecordSink sink = new ParquetRecordSink(conf, staging, cell.cellId(),
        cell.config().record().commutatorVectors().name().toLowerCase(java.util.Locale.ROOT), ParquetFiles.Encoding.PLAIN_ZSTD)) {
      result = new Trainer(cell.config(), progress(folder, cell)).run(sink);
    } catch (RuntimeException | IOException e) {
      if (!ctx.lastAttempt()) {
        throw e;
      }
      LOG.error("cell {} failed on its last attempt", cell.cellId(), e);
      result = new RunResult(RunStatus.FAILED, 0, (System.currentTimeMillis() - startedAt) / 1e3, Double.NaN, String.valueOf(e));
    }
    if (result.status() != RunStatus.FAILED) {
      for (String table : Tables.CELL_DATA) {
        moveInto(fs, new Path(staging, table + ".parquet"), folder.tableFile(table, cell.cellId()));
      }
    }
    if (hooks.failFirstAttemptOf().contains(cell.cellId()) && ctx.attempt() == 0) {
      throw new IllegalStateException("test hook: first attempt of cell " + cell.cellId() + " dies before its runs row");
    }
    Path stagedRuns = new Path(staging, Tables.RUNS + ".parquet");
    RunsFile.write(conf, stagedRuns, cell, result, provenance(ctx), startedAt);
    if (fs.exists(runsFile) && !RunsFile.status(conf, runsFile).equals("failed")) {
      LOG.info("cell {}: another attempt committed first; discarding this one's runs row", cell.cellId());
    } else {
      moveInto(fs, stagedRuns, runsFile);
    }
    return result;
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
    return new RunsFile.Provenance(BuildInfo.projectVersion(), ctx.sparkVersion(), BuildInfo.nd4jVersion(),
        System.getProperty("java.version"), host, blas.cpu().model(), blas.describe(), ctx.attempt());
  }

  /** Writes "step total steps_per_second" to the cell's progress file, at most every few seconds. */
  private static ProgressListener progress(SweepFolder folder, CellSpec cell) {
    long start = System.nanoTime();
    long[] lastWrite = {0};
    return (step, total, loss) -> {
      long now = System.currentTimeMillis();
      if (now - lastWrite[0] < PROGRESS_INTERVAL_MS && step != 0) {
        return;
      }
      lastWrite[0] = now;
      double rate = step / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
      LOG.info("cell {}: step {}/{} train_loss {} ({} steps/s)", cell.cellId(), step, total, String.format("%.4f", loss), String.format("%.1f", rate));
      try (OutputStream out = folder.fs().create(folder.progressFile(cell.cellId()), true)) {
        out.write((step + " " + total + " " + rate).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        LOG.warn("cell {}: cannot write progress: {}", cell.cellId(), e.getMessage());
      }
    };
  }
}
