package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.sweep.CellSpec;
import java.nio.file.AccessDeniedException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A sweep stopped by its results folder rather than by a cell: a full disk, a read-only or
 * forbidden folder. Every attempt of every cell would fail the same way, so the sweep says so in
 * one line, with what it kept and what to do, instead of a cell's error.
 */
public record FolderFault(String what) {
  /** The storage fault somewhere in the chain of causes of a failed job, if there is one. */
  static Optional<FolderFault> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AccessDeniedException) {
        return Optional.of(new FolderFault("permission denied"));
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("no space left on device")) {
        return Optional.of(new FolderFault("no space left on device"));
      }
      if (m.contains("disk quota exceeded")) {
        return Optional.of(new FolderFault("disk quota exceeded"));
      }
      if (m.contains("read-only file system")) {
        return Optional.of(new FolderFault("read-only file system"));
      }
      if (m.contains("permission denied")) {
        return Optional.of(new FolderFault("permission denied"));
      }
    }
    return Optional.empty();
  }

  /** A sweep stopped by its folder: the message is the whole story, the traces are in the log. */
  public static final class Stopped extends RuntimeException {
    Stopped(String message) {
      super(message);
    }
  }

  /** The one-line error of a sweep this fault stopped, counting the cells it kept. */
  Stopped stopped(SweepFolder folder, List<CellSpec> cells) {
    String kept;
    try {
      Set<String> committed = folder.finishedCells();
      long n = cells.stream().filter(c -> committed.contains(c.cellId())).count();
      kept = "after " + n + " of " + cells.size() + " cells; committed cells are intact";
    } catch (RuntimeException e) {
      kept = "committed cells are intact";
    }
    return new Stopped(
        "results folder "
            + folder.root()
            + ": "
            + what
            + " "
            + kept
            + "; "
            + (what.equals("no space left on device") || what.equals("disk quota exceeded")
                ? "free space"
                : "make the folder writable")
            + " and rerun the same command");
  }
}
