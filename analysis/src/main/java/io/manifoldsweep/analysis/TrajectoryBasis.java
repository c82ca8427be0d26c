package io.manifoldsweep.analysis;

import io.manifoldsweep.intervene.Basis;
import io.manifoldsweep.model.ParamLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The basis B of a {@code basis: reference} intervention (method 9.4): for each attention matrix,
 * the top {@code components} principal directions of that matrix's centred snapshot trajectory in
 * the reference run, embedded at the matrix's coordinates. Cost per matrix O(n^2 p + n^3).
 */
public final class TrajectoryBasis {
  private TrajectoryBasis() {}

  /**
   * @param trajectories per attention matrix ({@code layer0.wq}, ...), its snapshots x coordinates
   */
  public static Basis of(ParamLayout layout, Map<String, double[][]> trajectories, int components) {
    Map<String, double[][]> directions = new LinkedHashMap<>();
    for (String block : layout.blockNames()) {
      double[][] x = trajectories.get(block);
      if (x == null) {
        throw new IllegalArgumentException("the reference run has no snapshots of " + block);
      }
      double[][] dirs = PcaBasis.fit(x, Gram.of(x), x.length, components).directions();
      if (dirs.length < components) {
        throw new IllegalArgumentException(
            "the reference run's trajectory of "
                + block
                + " spans "
                + dirs.length
                + " directions ("
                + x.length
                + " snapshots), fewer than intervention.components="
                + components);
      }
      directions.put(block, dirs);
    }
    return Basis.of(layout, directions);
  }
}
