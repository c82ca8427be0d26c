package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.train.ResumePoint;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cell's resume area on the results FileSystem, {@code DIR/_resume/CELL/}: the Parquet parts
 * its attempts have written, and {@code state-<step>} files, each a {@link ResumePoint} with the
 * parts it covers. A state is written beside the previous one and renamed into place before the
 * older one is removed, so a crash at any moment leaves at least one complete state or none; parts
 * written after the newest state belong to no state and are never read. The area is removed once
 * the cell is committed.
 */
final class CellResume {
  private static final Logger LOG = LoggerFactory.getLogger(CellResume.class);
  private static final String STATE = "state-";

  /** A resume point and the parts (per table, in order) holding the records up to its step. */
  record Saved(ResumePoint point, Map<String, List<Path>> parts) {}

  private final FileSystem fs;
  private final Path dir;

  CellResume(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /**
   * The newest complete state whose parts all exist, if any. A state that cannot be read (another
   * format, a truncated file) is skipped with a warning: the cell then trains from an older one, or
   * from step 0.
   */
  Optional<Saved> latest() throws IOException {
    if (!fs.exists(dir)) {
      return Optional.empty();
    }
    List<FileStatus> states = new ArrayList<>();
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.startsWith(STATE) && !name.endsWith(".tmp")) {
        states.add(f);
      }
    }
    states.sort((a, b) -> Long.compare(stepOf(b.getPath()), stepOf(a.getPath())));
    for (FileStatus f : states) {
      try (DataInputStream in = fs.open(f.getPath())) {
        ResumePoint point = ResumePoint.read(in);
        Map<String, List<Path>> parts = new LinkedHashMap<>();
        int tables = in.readInt();
        boolean complete = true;
        for (int t = 0; t < tables; t++) {
          String table = in.readUTF();
          int n = in.readInt();
          List<Path> ps = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            Path p = new Path(dir, in.readUTF());
            complete &= fs.exists(p);
            ps.add(p);
          }
          parts.put(table, ps);
        }
        if (complete) {
          return Optional.of(new Saved(point, parts));
        }
        LOG.warn("resume state {} names parts that are gone; not used", f.getPath());
      } catch (IOException | RuntimeException e) {
        LOG.warn("resume state {} cannot be read ({}); not used", f.getPath(), e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Saves {@code point} as covering {@code parts}, then removes the states it supersedes. */
  void save(ResumePoint point, Map<String, List<Path>> parts) throws IOException {
    fs.mkdirs(dir);
    Path target = new Path(dir, STATE + point.step());
    Path tmp = new Path(dir, STATE + point.step() + ".tmp");
    try (DataOutputStream out = fs.create(tmp, true)) {
      point.write(out);
      out.writeInt(parts.size());
      for (Map.Entry<String, List<Path>> e : parts.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().size());
        for (Path p : e.getValue()) {
          out.writeUTF(p.getName());
        }
      }
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.startsWith(STATE) && !name.endsWith(".tmp") && stepOf(f.getPath()) < point.step()) {
        fs.delete(f.getPath(), false);
      }
    }
  }

  /** Removes the whole area: the cell is committed. */
  void clear() throws IOException {
    fs.delete(dir, true);
  }

  private static long stepOf(Path state) {
    try {
      return Long.parseLong(state.getName().substring(STATE.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
