package io.manifoldsweep.jobs.analyze;

import io.manifoldsweep.analysis.DimensionTimeline;
import io.manifoldsweep.analysis.Gram;
import io.manifoldsweep.analysis.PcaBasis;
import io.manifoldsweep.analysis.RandomWalkNull;
import io.manifoldsweep.analysis.Saturation;
import io.manifoldsweep.analysis.Spectrum;
import io.manifoldsweep.jobs.table.CellTables;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.sweep.GrokkingSettings;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Every per-run metric of one cell (method section 5). Cost per block: O(n^2 p) for the Gram,
 * O(n^4) for the expanding windows, O(n^3 + k n p) per causal basis; linear in the number of runs.
 */
final class CellAnalysis {
  /** Rows for each per-cell table. */
  record Result(
      List<Row> dimensions,
      List<Row> timeline,
      List<Row> commutatorAlignment,
      List<Row> saturation,
      List<Row> bases,
      List<Row> projections,
      List<Row> grokking)
      implements Serializable {}

  /** Random bases drawn per commutator record for the baselines (method: 10). */
  static final int RANDOM_DRAWS = 10;

  private CellAnalysis() {}

  static Result run(
      AnalyzeJob.Cell cell, Configuration conf, Path root, int k, GrokkingSettings grokking)
      throws IOException {
    String id = cell.cellId();
    ParamLayout layout = ParamLayout.of(cell.config().model());
    CellTables tables = new CellTables(conf, root, id);
    Map<String, CellTables.BlockTrajectory> blocks = tables.snapshots();
    List<String> expected = layout.blockNames();
    if (!blocks.keySet().containsAll(expected)) {
      throw new IOException(
          "cell " + id + ": snapshots hold blocks " + blocks.keySet() + ", expected " + expected);
    }
    List<Row> dims = new ArrayList<>();
    List<Row> timeline = new ArrayList<>();
    List<Row> saturation = new ArrayList<>();
    List<Row> bases = new ArrayList<>();
    List<Row> projections = new ArrayList<>();
    List<double[][]> grams = new ArrayList<>();
    CellTables.Attention attention = tables.attention(cell.config().model().layers() - 1);
    long[] steps = blocks.get(expected.get(0)).steps();
    CommutatorProjection commutators =
        new CommutatorProjection(tables.commutators(), layout, steps);
    // one block's float64 rows at a time: a paper-sized cell holds 20 blocks of 201 x 16384
    for (int b = 0; b < expected.size(); b++) {
      String block = expected.get(b);
      CellTables.BlockTrajectory traj = blocks.get(block);
      double[][] x = traj.widened();
      double[][] g = Gram.of(x);
      grams.add(g);
      PcaBasis basis = PcaBasis.fit(x, g, x.length, k);
      describe(id, cell.groupKey(), block, g, traj.steps(), dims, timeline);
      bases.add(
          RowFactory.create(
              id,
              block,
              basis.directions().length,
              x[0].length,
              basis.singularValues(),
              flatten(basis.directions())));
      saturation.addAll(saturation(id, block, basis, traj.steps(), attention));
      project(id, block, basis.coordinates(), traj.steps(), projections);
      commutators.addBlock(b, x, g, basis, k);
    }
    double[][] all = Gram.sum(grams);
    describe(id, cell.groupKey(), AnalysisTables.ALL, all, steps, dims, timeline);
    project(
        id, AnalysisTables.ALL, PcaBasis.coordinatesOnly(all, all.length, k), steps, projections);
    return new Result(
        dims,
        timeline,
        commutators.rows(id, layout, new SplittableRandom(id.hashCode())),
        saturation,
        bases,
        projections,
        GrokkingTables.of(cell, tables, grokking));
  }

  private static void describe(
      String id,
      String group,
      String block,
      double[][] gram,
      long[] steps,
      List<Row> dims,
      List<Row> timeline) {
    int n = gram.length;
    Spectrum s = Spectrum.ofCentredGram(Gram.centred(gram, n));
    int[] r90 = DimensionTimeline.expandingR90(gram);
    long[] windowEnds = new long[r90.length];
    for (int i = 0; i < r90.length; i++) {
      windowEnds[i] = steps[i + DimensionTimeline.FIRST_WINDOW - 1];
      timeline.add(RowFactory.create(id, block, windowEnds[i], r90[i]));
    }
    Spectrum walk = RandomWalkNull.spectrum(n);
    long collapse = DimensionTimeline.collapseStep(r90, windowEnds);
    dims.add(
        RowFactory.create(
            id,
            group,
            block,
            n,
            s.componentsFor(0.90),
            s.componentsFor(0.95),
            s.componentsFor(0.99),
            s.participationRatio(),
            s.effectiveRank(),
            s.pc1(),
            s.explainedVarianceRatio(),
            collapse < 0 ? null : collapse,
            walk.pc1(),
            walk.componentsFor(0.90),
            walk.participationRatio()));
  }

  private static void project(
      String id, String block, double[][] coords, long[] steps, List<Row> out) {
    for (int t = 0; t < steps.length; t++) {
      double[] pcs = new double[coords.length];
      for (int j = 0; j < coords.length; j++) {
        pcs[j] = coords[j][t];
      }
      out.add(RowFactory.create(id, block, steps[t], pcs));
    }
  }

  private static List<Row> saturation(
      String id, String block, PcaBasis basis, long[] steps, CellTables.Attention attention) {
    List<Row> out = new ArrayList<>();
    double[] entropy = new double[steps.length];
    double[] marker = new double[steps.length];
    for (int t = 0; t < steps.length; t++) {
      double[] a = attention.entropyAndMarkerMassByStep().get(steps[t]);
      entropy[t] = a == null ? Double.NaN : a[0];
      marker[t] = a == null ? Double.NaN : a[1];
    }
    for (int j = 0; j < basis.coordinates().length; j++) {
      double[] c = basis.coordinates()[j];
      double ce = Saturation.correlation(c, entropy);
      double cm = Saturation.correlation(c, marker);
      out.add(
          RowFactory.create(
              id,
              block,
              j + 1,
              Double.isNaN(ce) ? null : ce,
              Double.isNaN(cm) ? null : cm,
              Saturation.settledStep(c, steps)));
    }
    return out;
  }

  private static float[] flatten(double[][] rows) {
    int p = rows.length == 0 ? 0 : rows[0].length;
    float[] out = new float[rows.length * p];
    for (int i = 0; i < rows.length; i++) {
      for (int c = 0; c < p; c++) {
        out[i * p + c] = (float) rows[i][c];
      }
    }
    return out;
  }
}
