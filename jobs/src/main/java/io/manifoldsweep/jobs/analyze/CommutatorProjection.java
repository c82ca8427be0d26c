package io.manifoldsweep.jobs.analyze;

import io.manifoldsweep.analysis.CommutatorAlignment;
import io.manifoldsweep.analysis.PcaBasis;
import io.manifoldsweep.jobs.table.CellTables;
import io.manifoldsweep.model.ParamLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Accumulates, block by block, the energy of each recorded commutator delta inside the execution
 * basis: causal (top-k PCs of the snapshots up to the commutator's step) and post-hoc (whole run).
 * The block-diagonal basis makes the total a sum over blocks, so no block's rows outlive its turn.
 */
final class CommutatorProjection {
  private static final String[] KINDS = {"causal", "posthoc"};

  private final List<CellTables.Commutator> records;
  private final List<double[][]> segments = new ArrayList<>();
  private final double[] attentionNorm;
  private final int[] causalSnapshots;
  private final int snapshots;
  private final double[][] energy;
  private final int[][] columns;

  CommutatorProjection(List<CellTables.Commutator> all, ParamLayout layout, long[] steps) {
    this.records = all.stream().filter(c -> c.delta() != null).toList();
    this.snapshots = steps.length;
    this.attentionNorm = new double[records.size()];
    this.causalSnapshots = new int[records.size()];
    this.energy = new double[records.size()][KINDS.length];
    this.columns = new int[records.size()][KINDS.length];
    for (int r = 0; r < records.size(); r++) {
      CellTables.Commutator c = records.get(r);
      double[][] perBlock = split(c, layout);
      segments.add(perBlock);
      double sq = 0;
      for (double[] seg : perBlock) {
        for (double v : seg) {
          sq += v * v;
        }
      }
      attentionNorm[r] = Math.sqrt(sq);
      int n = 0;
      while (n < steps.length && steps[n] <= c.step()) {
        n++;
      }
      causalSnapshots[r] = n;
    }
  }

  void addBlock(int block, double[][] x, double[][] gram, PcaBasis posthoc, int k) {
    for (int r = 0; r < records.size(); r++) {
      double[] seg = segments.get(r)[block];
      for (int kind = 0; kind < KINDS.length; kind++) {
        int n = kind == 0 ? causalSnapshots[r] : snapshots;
        if (n < 2) {
          continue;
        }
        double[][] dirs =
            kind == 0 && n < snapshots
                ? PcaBasis.fit(x, gram, n, k).directions()
                : posthoc.directions();
        double rho = CommutatorAlignment.rho(List.<double[][]>of(dirs), List.of(seg), 1.0);
        energy[r][kind] += rho * rho;
        columns[r][kind] += dirs.length;
      }
    }
  }

  List<Row> rows(String cellId, ParamLayout layout, SplittableRandom rng) {
    List<Row> out = new ArrayList<>();
    for (int r = 0; r < records.size(); r++) {
      CellTables.Commutator c = records.get(r);
      for (int kind = 0; kind < KINDS.length; kind++) {
        int kTotal = columns[r][kind];
        if (kTotal == 0 || c.deltaNorm() <= 0) {
          continue;
        }
        double rho = Math.sqrt(energy[r][kind]) / c.deltaNorm();
        double live =
            CommutatorAlignment.randomRho(
                kTotal,
                layout.size(),
                c.deltaNorm(),
                c.deltaNorm(),
                CellAnalysis.RANDOM_DRAWS,
                rng);
        double att =
            CommutatorAlignment.randomRho(
                kTotal,
                layout.attentionSize(),
                attentionNorm[r],
                c.deltaNorm(),
                CellAnalysis.RANDOM_DRAWS,
                rng);
        out.add(
            RowFactory.create(
                cellId,
                c.step(),
                KINDS[kind],
                kTotal,
                kind == 0 ? causalSnapshots[r] : snapshots,
                rho,
                CommutatorAlignment.perpendicularEnergy(rho),
                live,
                att,
                rho / live,
                rho / att));
      }
    }
    return out;
  }

  /** The delta restricted to each attention block, from either recorded layout. */
  private static double[][] split(CellTables.Commutator c, ParamLayout layout) {
    List<String> blocks = layout.blockNames();
    double[][] out = new double[blocks.size()][];
    int offset = 0;
    for (int b = 0; b < blocks.size(); b++) {
      ParamLayout.Entry e = layout.blockEntry(blocks.get(b));
      int from = c.coords().equals("full") ? (int) e.offset() : offset;
      out[b] = new double[(int) e.length()];
      for (int i = 0; i < out[b].length; i++) {
        out[b][i] = c.delta()[from + i];
      }
      offset += (int) e.length();
    }
    return out;
  }
}
