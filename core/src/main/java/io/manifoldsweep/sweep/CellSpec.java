package io.manifoldsweep.sweep;

import io.manifoldsweep.train.CellConfig;
import java.util.Map;

/**
 * One resolved cell of a sweep. {@code cellId} is a hash of {@code configJson}, the canonical JSON
 * of every knob, so the same cell in another sweep, or the same sweep run again, gets the same id.
 * {@code axes} holds the grid coordinates of this cell (key path to value), for messages.
 */
public record CellSpec(String cellId, String sweep, CellConfig config, String configJson, Map<String, Object> axes) {

  /** Relative training cost, used to start the longest cells first. */
  public double cost() {
    var m = config.model();
    var t = config.train();
    double perStep = (double) t.batchSize() * m.seqLen() * m.layers() * m.dModel() * m.dModel() * (m.mlp() ? 3 : 1);
    return perStep * t.steps();
  }
}
