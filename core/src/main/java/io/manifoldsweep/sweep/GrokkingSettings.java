package io.manifoldsweep.sweep;

import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobTrees;
import io.manifoldsweep.knob.KnobValues;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The thresholds of the grokking metrics (method 9.5): the {@code grokking:} section of a sweep
 * file. Analysis settings, never part of a cell's id: changing them re-analyses and never retrains.
 */
public final class GrokkingSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final KnobSection KNOBS =
      new KnobSection(
          "grokking",
          "The grokking metrics of modular cells (method 9.5): analysis settings, never part of a cell's id.");

  public static final Knob<Double> MEMORIZATION =
      KNOBS
          .number(
              "memorization",
              0.95,
              "memorization_step: the first eval with train accuracy at least this.")
          .within(0, 1);
  public static final Knob<Double> GROK =
      KNOBS
          .number("grok", 0.9, "grok_step_90: the first eval with test accuracy at least this.")
          .within(0, 1);
  public static final Knob<Double> STOP_ACCURACY =
      KNOBS
          .number(
              "stop_accuracy",
              0.98,
              "grok_step_patience: the eval at which test accuracy has been at least this for patience evals.")
          .within(0, 1);
  public static final Knob<Integer> PATIENCE =
      KNOBS.integer("patience", 3, "Consecutive evals of grok_step_patience.").positive();
  public static final Knob<Double> ONSET_FACTOR =
      KNOBS
          .number(
              "onset_factor",
              10.0,
              "The defect's onset: the first record from the third on above this multiple of the baseline ...")
          .positive();
  public static final Knob<Double> ONSET_FLOOR =
      KNOBS.number("onset_floor", 20.0, "... and above this value.").nonNegative("must be >= 0");
  public static final Knob<Double> BASELINE_MIN =
      KNOBS
          .number(
              "baseline_min",
              0.1,
              "The defect's baseline: the median of its first three records, at least this.")
          .positive();

  /** Every setting at its default. */
  public static final GrokkingSettings DEFAULT = fromTree(null);

  private final KnobValues values;

  private GrokkingSettings(KnobValues values) {
    this.values = values;
  }

  /** Reads a {@code grokking:} mapping; a missing one gives the defaults. */
  public static GrokkingSettings fromTree(Object node) {
    return new GrokkingSettings(
        KnobValues.read(node == null ? Map.of() : Map.of(KNOBS.name(), node), List.of(KNOBS)));
  }

  /** These settings with those of a {@code grokking:} mapping written over them. */
  public GrokkingSettings with(Map<String, Object> grokking) {
    return fromTree(KnobTrees.merged(toTree(), grokking));
  }

  public double memorization() {
    return values.get(MEMORIZATION);
  }

  public double grok() {
    return values.get(GROK);
  }

  public double stopAccuracy() {
    return values.get(STOP_ACCURACY);
  }

  public int patience() {
    return values.get(PATIENCE);
  }

  public double onsetFactor() {
    return values.get(ONSET_FACTOR);
  }

  public double onsetFloor() {
    return values.get(ONSET_FLOOR);
  }

  public double baselineMin() {
    return values.get(BASELINE_MIN);
  }

  /**
   * Every setting with its YAML key, for the tables' provenance and the results folder's manifest.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> toTree() {
    return (Map<String, Object>) values.tree(List.of(KNOBS), k -> true).get(KNOBS.name());
  }
}
