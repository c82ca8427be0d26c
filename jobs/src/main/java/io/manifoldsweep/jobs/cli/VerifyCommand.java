package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.table.CellQuarantine;
import io.manifoldsweep.jobs.table.FolderCheck;
import io.manifoldsweep.jobs.table.FolderLease;
import io.manifoldsweep.jobs.table.ForklessLocalFileSystem;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code verify DIR [--repair]}: every committed cell's files against what its runs row recorded at
 * commit; with {@code --repair}, the damaged cells moved aside so that the next sweep trains them
 * again. No Spark: it reads the folder through Hadoop's FileSystem API.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check every committed cell's files against its runs row (existence, size, CRC-32C; readable"
          + " footers for cells committed before files were recorded). One line per damaged cell;"
          + " exit 1 when any is damaged.",
      "With --repair, move the damaged cells' runs rows and files to DIR/_damaged/<cell>/ (nothing"
          + " is deleted); the next sweep trains exactly those cells again. Exit 0 once they are"
          + " moved."
    })
public final class VerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "Results folder (any Hadoop URI).")
  String dir;

  @Option(
      names = "--repair",
      description =
          "Move the damaged cells aside, to DIR/_damaged/, so the next sweep redoes them.")
  boolean repair;

  private final PrintStream out;

  public VerifyCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    Configuration conf = new Configuration();
    ForklessLocalFileSystem.install(conf);
    Path root = new Path(dir);
    FileSystem fs;
    try {
      fs = root.getFileSystem(conf);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("DIR", dir, "is not a usable folder URI: " + e.getMessage());
    }
    if (!fs.exists(new Path(root, "runs"))) {
      throw new ConfigException("DIR", dir, "holds no results (no runs table)");
    }
    FolderCheck.Report report = FolderCheck.of(fs, root, FolderCheck.Depth.CHECKSUMS);
    for (FolderCheck.Damaged d : report.damaged()) {
      out.println("damaged: " + d.describe());
    }
    int cells = report.sound().size() + report.damaged().size();
    if (report.damaged().isEmpty()) {
      out.printf("%d cells checked: none damaged%n", cells);
      return 0;
    }
    out.printf("%d cells checked: %d damaged%n", cells, report.damaged().size());
    if (!repair) {
      out.printf(
          "move them aside with: submit/verify %s --repair (the next sweep trains them again)%n",
          dir);
      return 1;
    }
    try (FolderLease lease = FolderLease.acquire(fs, root, "verify --repair", out)) {
      for (FolderCheck.Damaged d : report.damaged()) {
        out.printf(
            "moved %s aside to %s%n", d.cellId(), CellQuarantine.moveAside(fs, root, d.cellId()));
      }
    }
    out.printf("rerun the sweep to train the %d cells again%n", report.damaged().size());
    return 0;
  }
}
