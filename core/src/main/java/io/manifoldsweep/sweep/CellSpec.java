package io.manifoldsweep.sweep;

import io.manifoldsweep.train.CellConfig;
import java.util.Map;

/**
 * One resolved cell of a sweep. {@code configJson} is the canonical JSON of every knob; {@code
 * cellId} hashes the knobs that define the cell (all but checkpoint and resume settings), so the
 * same cell in another sweep, the same sweep run again, or a folder written before such a setting
 * existed, gets the same id. {@code axes} holds the grid coordinates of this cell (key path to
 * value), for messages.
 */
public record CellSpec(
    String cellId, String sweep, CellConfig config, String configJson, Map<String, Object> axes) {

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
