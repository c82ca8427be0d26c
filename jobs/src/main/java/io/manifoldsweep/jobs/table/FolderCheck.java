package io.manifoldsweep.jobs.table;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The committed cells of a results folder checked against what their runs rows recorded at commit
 * ({@link CommittedFile}): a damaged file costs its cell, never the folder. Cells of folders
 * written before the record existed are checked by reading their files' footers.
 */
public final class FolderCheck {
  /** How deep a check reads. */
  public enum Depth {
    /**
     * Existence and length, footers where nothing was recorded: what a reader affords before it
     * registers its views.
     */
    SIZES,
    /** And every byte against the recorded CRC-32C: what {@code verify} does. */
    CHECKSUMS
  }

  /** A damaged cell and what is wrong with it, file by file. */
  public record Damaged(String cellId, List<String> problems) {
    public String describe() {
      return cellId + ": " + String.join("; ", problems);
    }
  }

  /**
   * The outcome: the readable runs rows by cell id, and the damaged cells (their runs row, if
   * readable, is not among the sound ones).
   */
  public record Report(Map<String, RunsRow> sound, List<Damaged> damaged) {
    public Set<String> damagedIds() {
      Set<String> ids = new LinkedHashSet<>();
      damaged.forEach(d -> ids.add(d.cellId()));
      return ids;
    }
  }

  private FolderCheck() {}

  public static Report of(FileSystem fs, Path root, Depth depth) throws IOException {
    Map<String, RunsRow> sound = new LinkedHashMap<>();
    List<Damaged> damaged = new ArrayList<>();
    Path runs = new Path(root, Tables.RUNS);
    if (!fs.exists(runs)) {
      return new Report(sound, damaged);
    }
    for (FileStatus f : fs.listStatus(runs)) {
      String name = f.getPath().getName();
      if (!Tables.isDataFile(name)) {
        continue;
      }
      String id = name.substring(0, name.length() - ".parquet".length());
      List<String> problems = new ArrayList<>();
      Optional<RunsRow> row = runsRow(fs, f, problems);
      if (row.isPresent() && row.get().committed()) {
        problems.addAll(
            row.get().files().isPresent()
                ? againstRecord(fs, root, row.get().files().get(), depth)
                : footers(fs, root, id));
      }
      if (problems.isEmpty()) {
        sound.put(id, row.orElseThrow());
      } else {
        damaged.add(new Damaged(id, problems));
      }
    }
    return new Report(sound, damaged);
  }

  private static Optional<RunsRow> runsRow(FileSystem fs, FileStatus f, List<String> problems) {
    String where = Tables.RUNS + "/" + f.getPath().getName();
    if (f.getLen() == 0) {
      problems.add(where + ": empty (0 bytes)");
      return Optional.empty();
    }
    try {
      return Optional.of(RunsRow.read(fs.getConf(), f.getPath()));
    } catch (IOException e) {
      problems.add(where + ": unreadable (" + firstLine(e) + ")");
      return Optional.empty();
    }
  }

  private static List<String> againstRecord(
      FileSystem fs, Path root, List<CommittedFile> files, Depth depth) throws IOException {
    List<String> problems = new ArrayList<>();
    for (CommittedFile c : files) {
      Path p = new Path(root, c.path());
      if (!fs.exists(p)) {
        problems.add(c.path() + ": missing");
        continue;
      }
      long len = fs.getFileStatus(p).getLen();
      if (len != c.bytes()) {
        problems.add(c.path() + ": " + len + " bytes, committed " + c.bytes());
      } else if (depth == Depth.CHECKSUMS) {
        try {
          String crc = CommittedFile.crc32c(fs, p);
          if (!crc.equals(c.crc32c())) {
            problems.add(c.path() + ": CRC-32C " + crc + ", committed " + c.crc32c());
          }
        } catch (IOException e) {
          // a local folder's own .crc sidecar files may refuse the bytes first
          problems.add(c.path() + ": unreadable (" + firstLine(e) + ")");
        }
      }
    }
    return problems;
  }

  /** A cell committed before files were recorded: its files' footers must read. */
  private static List<String> footers(FileSystem fs, Path root, String id) throws IOException {
    List<String> problems = new ArrayList<>();
    for (String table : Tables.CELL_DATA) {
      Path p = new Path(new Path(root, table), id + ".parquet");
      if (fs.exists(p)) {
        try {
          CommittedFile.rows(fs.getConf(), p);
        } catch (IOException e) {
          problems.add(table + "/" + id + ".parquet: unreadable (" + firstLine(e) + ")");
        }
      }
    }
    return problems;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
