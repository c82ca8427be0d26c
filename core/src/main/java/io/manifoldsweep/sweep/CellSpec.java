package io.manifoldsweep.sweep;

import io.manifoldsweep.train.CellConfig;
import java.io.Serializable;
import java.util.Map;

/**
 * One resolved cell of a sweep, as the driver plans it and an executor trains it. {@code cellId}
 * hashes the knobs that define the cell (not its checkpoint and resume settings), so the same cell
 * in another sweep, the same sweep run again, or a folder written before such a setting existed,
 * gets the same id; {@code groupKey} is what cells differing only in their seeds share; {@code
 * configJson} is every knob, the cell's provenance. {@code axes} holds its grid coordinates, for
 * messages.
 */
public record CellSpec(
    String cellId,
    String groupKey,
    String sweep,
    CellConfig config,
    String configJson,
    Map<String, Object> axes)
    implements Serializable {

  public static CellSpec of(String sweep, CellConfig config, Map<String, Object> axes) {
    return new CellSpec(
        config.cellId(),
        config.groupKey(),
        sweep,
        config,
        config.json(),
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(axes)));
  }

  /** Relative training cost, used to start the longest cells first. */
  public double cost() {
    var m = config.model();
    var t = config.train();
    double perStep =
        (double) t.batchSize()
            * m.seqLen()
            * m.layers()
            * m.dModel()
            * m.dModel()
            * (m.mlp() ? 3 : 1);
    return perStep * t.steps();
  }
}
