package io.manifoldsweep.sweep;

import io.manifoldsweep.intervene.InterventionSpec;
import io.manifoldsweep.train.CellConfig;
import java.io.Serializable;
import java.util.Map;

/**
 * One resolved cell of a sweep, as the driver plans it and an executor trains it. {@code cellId}
 * hashes the knobs that define the cell (not its checkpoint and resume settings), so the same cell
 * in another sweep, the same sweep run again, or a folder written before such a setting existed,
 * gets the same id; {@code groupKey} is what cells differing only in their seeds share; {@code
 * configJson} is every knob, the cell's provenance. {@code axes} holds its grid coordinates, for
 * messages. {@code addedReference}: the grid lacks the cell, which the sweep adds as the reference
 * an intervened cell needs.
 */
public record CellSpec(
    String cellId,
    String groupKey,
    String sweep,
    CellConfig config,
    String configJson,
    Map<String, Object> axes,
    boolean addedReference)
    implements Serializable {

  public static CellSpec of(String sweep, CellConfig config, Map<String, Object> axes) {
    return new CellSpec(
        config.cellId(),
        config.groupKey(),
        sweep,
        config,
        config.json(),
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(axes)),
        false);
  }

  /** The reference an intervened cell of the grid needs, which the grid lacks. */
  public static CellSpec referenceOf(CellSpec intervened) {
    CellConfig ref = intervened.config().reference();
    Map<String, Object> axes = new java.util.LinkedHashMap<>(intervened.axes());
    axes.keySet().removeIf(k -> k.startsWith(InterventionSpec.KNOBS.name()));
    axes.put("reference of", intervened.cellId());
    return new CellSpec(
        ref.cellId(),
        ref.groupKey(),
        intervened.sweep(),
        ref,
        ref.json(),
        java.util.Collections.unmodifiableMap(axes),
        true);
  }

  /** Whether the cell intervenes on its training, and so needs its reference trained first. */
  public boolean intervened() {
    return !config.intervention().none();
  }

  /** Relative training cost, used to start the longest cells first. */
  public double cost() {
    var m = config.model();
    var t = config.train();
    double perStep =
        (double) (t.fullBatch() ? config.task().trainPairs() : t.batchSize())
            * m.seqLen()
            * m.layers()
            * m.dModel()
            * m.dModel()
            * (m.mlp() ? 3 : 1);
    return perStep * t.steps();
  }
}
