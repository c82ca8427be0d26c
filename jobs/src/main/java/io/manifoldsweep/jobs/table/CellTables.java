package io.manifoldsweep.jobs.table;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * Reads one committed cell's own Parquet files on an executor. Each cell's rows sit in one file per
 * table, so a per-cell task reads exactly its data and nothing is shuffled. Any missing or
 * unreadable file is an error that names the file.
 */
public final class CellTables {
  /** Snapshots of one block in step order. */
  public record BlockTrajectory(long[] steps, List<float[]> values) {
    /** The snapshots as doubles, one row per step: what the analyses compute on. */
    public double[][] widened() {
      double[][] x = new double[values.size()][];
      for (int t = 0; t < x.length; t++) {
        float[] r = values.get(t);
        x[t] = new double[r.length];
        for (int c = 0; c < r.length; c++) {
          x[t][c] = r[c];
        }
      }
      return x;
    }
  }

  /**
   * The last layer's readout attention, averaged over heads and marker counts, per snapshot step.
   */
  public record Attention(Map<Long, double[]> entropyAndMarkerMassByStep) {}

  /** One commutator record: its step, norms and recorded delta coordinates (may be null). */
  public record Commutator(
      long step,
      String coords,
      float[] delta,
      double deltaNorm,
      double normOutsideAttention,
      double defectMedian) {}

  /** The modular task's evals on its whole splits, in step order. */
  public record SplitSeries(long[] steps, double[] trainAccuracy, double[] testAccuracy) {}

  private final Configuration conf;
  private final Path root;
  private final String cellId;

  public CellTables(Configuration conf, Path root, String cellId) {
    this.conf = conf;
    this.root = root;
    this.cellId = cellId;
  }

  private Path file(String table) {
    return new Path(new Path(root, table), cellId + ".parquet");
  }

  private interface RowHandler {
    void accept(Group row);
  }

  private void read(String table, RowHandler handler) throws IOException {
    Path p = file(table);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      throw new IOException(
          "missing Parquet file "
              + p
              + " (cell "
              + cellId
              + " has a runs row but no "
              + table
              + ")");
    }
    try (ParquetReader<Group> r =
        ParquetReader.builder(new GroupReadSupport(), p).withConf(conf).build()) {
      for (Group g = r.read(); g != null; g = r.read()) {
        handler.accept(g);
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read Parquet file " + p + ": " + e.getMessage(), e);
    }
  }

  public Map<String, BlockTrajectory> snapshots() throws IOException {
    Map<String, List<Long>> steps = new LinkedHashMap<>();
    Map<String, List<float[]>> values = new LinkedHashMap<>();
    read(
        Tables.SNAPSHOTS,
        g -> {
          String block = g.getString("block", 0);
          steps.computeIfAbsent(block, b -> new ArrayList<>()).add(g.getLong("step", 0));
          values
              .computeIfAbsent(block, b -> new ArrayList<>())
              .add(floats(g.getGroup("values", 0)));
        });
    Map<String, BlockTrajectory> out = new LinkedHashMap<>();
    for (String block : steps.keySet()) {
      long[] s = steps.get(block).stream().mapToLong(Long::longValue).toArray();
      for (int i = 1; i < s.length; i++) {
        if (s[i] <= s[i - 1]) {
          throw new IOException(
              file(Tables.SNAPSHOTS)
                  + ": block "
                  + block
                  + " has steps out of order ("
                  + s[i - 1]
                  + ", "
                  + s[i]
                  + ")");
        }
      }
      out.put(block, new BlockTrajectory(s, values.get(block)));
    }
    return out;
  }

  public Attention attention(int lastLayer) throws IOException {
    Map<Long, double[]> out = new LinkedHashMap<>();
    read(
        Tables.METRICS,
        g -> {
          Group list = g.getGroup("attention", 0);
          int n = list.getFieldRepetitionCount("list");
          double entropy = 0;
          double marker = 0;
          int count = 0;
          for (int i = 0; i < n; i++) {
            Group e = list.getGroup("list", i).getGroup("element", 0);
            if (e.getInteger("layer", 0) == lastLayer) {
              entropy += e.getDouble("entropy", 0);
              marker += e.getDouble("marker_mass", 0);
              count++;
            }
          }
          if (count > 0) {
            out.put(g.getLong("step", 0), new double[] {entropy / count, marker / count});
          }
        });
    return new Attention(out);
  }

  /**
   * Whether the cell recorded checkpoints; cells of versions before {@code record.checkpoints} did
   * not.
   */
  public boolean hasCheckpoints() throws IOException {
    Path p = file(Tables.CHECKPOINTS);
    return p.getFileSystem(conf).exists(p);
  }

  /** The parameter vectors of the listed checkpoint steps, in step order. */
  public Map<Long, float[]> checkpoints(java.util.Collection<Long> steps) throws IOException {
    Map<Long, float[]> out = new java.util.TreeMap<>();
    read(
        Tables.CHECKPOINTS,
        g -> {
          long step = g.getLong("step", 0);
          if (steps.contains(step)) {
            out.put(step, floats(g.getGroup("params", 0)));
          }
        });
    if (!out.keySet().containsAll(steps)) {
      throw new IOException(
          file(Tables.CHECKPOINTS)
              + " lacks checkpoint steps "
              + steps
              + ": it holds "
              + out.keySet());
    }
    return out;
  }

  public List<Commutator> commutators() throws IOException {
    List<Commutator> out = new ArrayList<>();
    read(
        Tables.COMMUTATORS,
        g ->
            out.add(
                new Commutator(
                    g.getLong("step", 0),
                    g.getString("delta_coords", 0),
                    g.getFieldRepetitionCount("delta") > 0 ? floats(g.getGroup("delta", 0)) : null,
                    g.getDouble("delta_norm", 0),
                    g.getDouble("delta_norm_outside_attention", 0),
                    g.getDouble("defect_median", 0))));
    return out;
  }

  /**
   * The evals of a modular cell (metrics rows with test accuracy), in step order; empty for others.
   */
  public SplitSeries splitSeries() throws IOException {
    List<double[]> rows = new ArrayList<>();
    read(
        Tables.METRICS,
        g -> {
          if (g.getType().containsField("test_acc") && g.getFieldRepetitionCount("test_acc") > 0) {
            rows.add(
                new double[] {
                  g.getLong("step", 0), g.getDouble("train_acc", 0), g.getDouble("test_acc", 0)
                });
          }
        });
    rows.sort(java.util.Comparator.comparingDouble(r -> r[0]));
    long[] steps = new long[rows.size()];
    double[] train = new double[rows.size()];
    double[] test = new double[rows.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = (long) rows.get(i)[0];
      train[i] = rows.get(i)[1];
      test[i] = rows.get(i)[2];
    }
    return new SplitSeries(steps, train, test);
  }

  private static float[] floats(Group list) {
    int n = list.getFieldRepetitionCount("list");
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = list.getGroup("list", i).getFloat("element", 0);
    }
    return out;
  }
}
