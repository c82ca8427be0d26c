package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.sweep.KnobReference;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code knobs}: the reference of every knob, generated from their declarations (docs/knobs.md).
 */
@Command(
    name = "knobs",
    mixinStandardHelpOptions = true,
    description =
        "Print every knob a sweep file may set, as Markdown (docs/knobs.md is this output).")
public final class KnobsCommand implements Callable<Integer> {
  private final PrintStream out;

  public KnobsCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    out.print(KnobReference.markdown());
    return 0;
  }
}
