package io.manifoldsweep.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.table.ForklessLocalFileSystem;
import io.manifoldsweep.jobs.table.RunsRow;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.YamlConfigLoader;
import io.manifoldsweep.sweep.GrokkingSettings;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The layout of a results folder on any Hadoop FileSystem:
 *
 * <pre>
 * DIR/_sweep.json                 which sweep owns the folder
 * DIR/runs/CELL.parquet           one row per committed cell: the commit marker, written last
 * DIR/{snapshots,metrics,commutators}/CELL.parquet
 * DIR/_temporary/CELL-ATTEMPT/    a committing attempt's files, moved into place on commit
 * DIR/_resume/CELL/               a cell's Parquet parts and resume points, kept across attempts and sweeps
 * DIR/_progress/CELL              a running cell's step, for the driver's progress lines
 * DIR/_lease.json                 the driver that works on the folder (FolderLease)
 * </pre>
 *
 * Files are named by cell id, never by attempt, so two attempts of a cell can only ever leave one
 * copy. Spark and pyarrow skip names starting with '_' or '.', which is why the bookkeeping lives
 * under such names; DuckDB's globs do not skip them, so its readers name one table's files, {@code
 * DIR/TABLE/*.parquet}, never {@code DIR/**}.
 */
public final class SweepFolder {
  static final String MANIFEST = "_sweep.json";
  static final String TEMPORARY = "_temporary";
  static final String PROGRESS = "_progress";
  static final String RESUME = "_resume";

  /** Where commands keep their logs and a large sweep its per-cell lines. */
  public static final String LOGS = "_logs";

  private final FileSystem fs;
  private final Path root;

  SweepFolder(FileSystem fs, Path root) {
    this.fs = fs;
    this.root = root;
  }

  public static SweepFolder at(Configuration conf, String uri) {
    try {
      Path root = new Path(uri);
      return new SweepFolder(root.getFileSystem(conf), root);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("--out", uri, "is not a usable folder URI: " + e.getMessage());
    }
  }

  public Path root() {
    return root;
  }

  public FileSystem fs() {
    return fs;
  }

  public Path table(String name) {
    return new Path(root, name);
  }

  public Path tableFile(String table, String cellId) {
    return new Path(table(table), cellId + ".parquet");
  }

  Path staging(String cellId, String attempt) {
    return new Path(new Path(root, TEMPORARY), cellId + "-" + attempt);
  }

  Path resumeDir(String cellId) {
    return new Path(new Path(root, RESUME), cellId);
  }

  /** Where running cells keep their {@link CellProgress} lines, one file per cell. */
  Path progressDir() {
    return new Path(root, PROGRESS);
  }

  Path progressFile(String cellId) {
    return new Path(progressDir(), cellId);
  }

  /** Fails naming the path when it is a file: no lease or folder can be made there. */
  void refuseFile() {
    try {
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw new ConfigException("--out", root, "is a file, not a folder");
      }
    } catch (IOException e) {
      throw new ConfigException("--out", root, "cannot be read: " + e.getMessage());
    }
  }

  /**
   * Makes the folder ready for {@code spec}: creates it, proves it is writable, and refuses a
   * folder that holds another sweep's cells, which a resume would otherwise silently mix in. The
   * manifest keeps the sweep file and its analysis settings, parsed and checked, for {@code
   * analyze}.
   */
  void claim(SweepSpec spec) {
    String sweepName = spec.name();
    Path manifest = new Path(root, MANIFEST);
    try {
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw new ConfigException("--out", root, "is a file, not a folder");
      }
      if (fs.exists(manifest)) {
        JsonNode m = new ObjectMapper().readTree(fs.open(manifest));
        String owner = m.path("sweep").asText();
        if (!owner.equals(sweepName)) {
          throw new ConfigException(
              "--out",
              root,
              "holds cells of sweep '"
                  + owner
                  + "', not '"
                  + sweepName
                  + "'; choose another folder");
        }
        return;
      }
      if (fs.exists(table(Tables.RUNS)) && fs.listStatus(table(Tables.RUNS)).length > 0) {
        throw new ConfigException(
            "--out", root, "holds results without a " + MANIFEST + "; choose an empty folder");
      }
      fs.mkdirs(root);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("sweep", sweepName);
      doc.put("created_at_ms", System.currentTimeMillis());
      doc.put("config_yaml", spec.sourceYaml());
      doc.put(SaeSettings.KNOBS.name(), spec.sae().toTree());
      doc.put(GrokkingSettings.KNOBS.name(), spec.grokking().toTree());
      Path tmp = new Path(root, MANIFEST + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(
            new ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(doc)
                .getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, manifest)) {
        throw new IOException("cannot rename " + tmp + " to " + manifest);
      }
    } catch (IOException e) {
      throw new ConfigException("--out", root, "is not writable: " + e.getMessage());
    }
  }

  /**
   * The settings of an analysis section ({@code sae}, {@code grokking}) a results folder was made
   * with: the tree its manifest stores, or for a folder made before it stored them, that section of
   * its sweep file; null (the defaults) for a folder without a manifest or without the section, or
   * one this JVM cannot read before Spark starts (a FileSystem that needs Spark's Hadoop settings),
   * which it says.
   */
  public static Object storedSection(String dir, KnobSection section) {
    Path manifest = new Path(dir, MANIFEST);
    try {
      FileSystem fs = manifest.getFileSystem(ForklessLocalFileSystem.configuration());
      if (!fs.exists(manifest)) {
        return null;
      }
      JsonNode m;
      try (InputStream in = fs.open(manifest)) {
        m = new ObjectMapper().readTree(in);
      }
      if (m.has(section.name())) {
        return new ObjectMapper().convertValue(m.get(section.name()), Map.class);
      }
      return m.has("config_yaml")
          ? YamlConfigLoader.load(m.get("config_yaml").asText(), manifest.toString())
              .get(section.name())
          : null;
    } catch (IOException e) {
      System.err.println(
          "warning: cannot read "
              + manifest
              + " before Spark starts ("
              + e.getMessage()
              + "); "
              + section.name()
              + " settings from the command line only");
      return null;
    }
  }

  /** Cells whose runs row says ok or diverged; failed cells are tried again. */
  public Set<String> finishedCells() {
    Set<String> out = new HashSet<>();
    try {
      Path runs = table(Tables.RUNS);
      if (!fs.exists(runs)) {
        return out;
      }
      for (FileStatus f : fs.listStatus(runs)) {
        String name = f.getPath().getName();
        if (Tables.isDataFile(name)) {
          String id = name.substring(0, name.length() - ".parquet".length());
          RunsRow row;
          try {
            row = RunsRow.read(fs.getConf(), f.getPath());
          } catch (IOException e) {
            throw new ConfigException(
                "DIR",
                root.toString(),
                "holds a damaged runs file ("
                    + e.getMessage()
                    + "); move the damaged cells aside with submit/verify "
                    + root
                    + " --repair, and the sweep trains them again");
          }
          if (row.committed()) {
            out.add(id);
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + table(Tables.RUNS), e);
    }
  }

  /**
   * Removes the scratch folders once no task of this sweep is running, and the resume areas of
   * committed cells (an attempt that lost the race to commit may have written to its area after the
   * winner cleared it); unfinished cells keep theirs for the next sweep.
   */
  void tidy() {
    try {
      fs.delete(new Path(root, TEMPORARY), true);
      fs.delete(progressDir(), true);
      Path resume = new Path(root, RESUME);
      if (fs.exists(resume)) {
        // only the cells that still have an area: reading every runs row cost a job 15 ms a cell
        for (FileStatus f : fs.listStatus(resume)) {
          Path runs = tableFile(Tables.RUNS, f.getPath().getName());
          if (fs.exists(runs) && RunsRow.read(fs.getConf(), runs).committed()) {
            fs.delete(f.getPath(), true);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove scratch folders of " + root, e);
    }
  }

  /** Removes what unfinished attempts of these cells left behind, so readers never see it. */
  void discardUnfinished(Set<String> cellIds) {
    try {
      for (String id : cellIds) {
        for (String t : Tables.CELL_DATA) {
          fs.delete(tableFile(t, id), false);
        }
        fs.delete(tableFile(Tables.RUNS, id), false);
        fs.delete(progressFile(id), false);
      }
      Path tmp = new Path(root, TEMPORARY);
      if (fs.exists(tmp)) {
        for (FileStatus f : fs.listStatus(tmp)) {
          String name = f.getPath().getName();
          int dash = name.indexOf('-');
          if (dash > 0 && cellIds.contains(name.substring(0, dash))) {
            fs.delete(f.getPath(), true);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up unfinished cells in " + root, e);
    }
  }
}
