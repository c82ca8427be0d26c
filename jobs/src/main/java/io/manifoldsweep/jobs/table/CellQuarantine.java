package io.manifoldsweep.jobs.table;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Moves a damaged cell's runs file and data files aside, to {@code DIR/_damaged/<cell>/<table>/},
 * deleting nothing: without its runs row the cell is not committed, so the next sweep trains it
 * again, and the damaged files stay for whoever wants to look at them.
 */
public final class CellQuarantine {
  public static final String FOLDER = "_damaged";

  private CellQuarantine() {}

  /** Moves the cell's files aside and returns where they went. */
  public static Path moveAside(FileSystem fs, Path root, String cellId) throws IOException {
    Path to = new Path(new Path(root, FOLDER), cellId);
    for (int n = 2; fs.exists(to); n++) {
      // the same cell damaged again after an earlier repair: keep both
      to = new Path(new Path(root, FOLDER), cellId + "." + n);
    }
    // the runs file first: once it is gone, the cell is no longer committed
    for (String table : Tables.CELL_FILES) {
      Path file = new Path(new Path(root, table), cellId + ".parquet");
      if (fs.exists(file)) {
        Path target = new Path(new Path(to, table), file.getName());
        fs.mkdirs(target.getParent());
        if (!fs.rename(file, target)) {
          throw new IOException("cannot move " + file + " to " + target);
        }
      }
    }
    return to;
  }
}
