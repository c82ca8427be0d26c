package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.train.CellConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}: the cell a command that trains one cell takes, before its {@code --set}s.
 */
public final class CellOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A sweep file whose first cell to take instead of the command's own (--set still applies).")
  Path config;

  /**
   * The first cell of --config's grid, else {@code preset}'s (YAML sections); --set applies after.
   */
  public CellConfig cell(String preset, PrintStream out) throws IOException {
    CellConfig base;
    if (config == null) {
      base = CellConfig.parse(preset);
    } else {
      List<CellSpec> cells = SweepCommand.readSpec(config, Long.MAX_VALUE).cells();
      base = cells.get(0).config();
      if (cells.size() > 1) {
        out.printf(
            "%s has %d cells; taking the first, %s%n", config, cells.size(), cells.get(0).axes());
      }
    }
    return base;
  }
}
