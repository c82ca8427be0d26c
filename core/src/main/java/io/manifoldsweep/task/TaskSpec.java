package io.manifoldsweep.task;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobValues;
import java.io.Serializable;
import java.util.Map;

/**
 * The task's knobs (DESIGN section 1) and the checks between them, so that a {@code TaskSpec} that
 * exists can always generate examples.
 */
public final class TaskSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final KnobSection KNOBS =
      new KnobSection("task", "The marker modular-arithmetic task (DESIGN section 1).")
          .group(
              "markers",
              "How many markers an example has: an integer, or a range.",
              v -> v instanceof Integer ? Map.of("min", v, "max", v) : null,
              "an integer or {min: a, max: b}");

  public static final Knob<Integer> VOCAB =
      KNOBS.integer("vocab", 256, "Token ids: values, markers and distractors.").positive();
  public static final Knob<Integer> MODULUS =
      KNOBS
          .integer("modulus", 8, "C: the classes, and the value tokens 0..C-1.")
          .check(v -> v >= 2 ? null : "must be at least 2");
  public static final Knob<Integer> SEQ_LEN =
      KNOBS
          .integer("seq_len", 16, "T: positions per example; the model reads out at the last.")
          .positive();
  public static final Knob<Integer> MARKERS_MIN =
      KNOBS.integer("markers.min", 1, "Fewest markers per example.").positive();
  public static final Knob<Integer> MARKERS_MAX =
      KNOBS.integer("markers.max", 4, "Most markers per example.").positive();
  public static final Knob<Schedule> SCHEDULE =
      KNOBS.choice(
          "schedule",
          Schedule.class,
          Schedule.MIXED,
          "mixed: m uniform in [min, max]; curriculum: m = min, ..., max in equal stages of training.");
  public static final Knob<Operation> OPERATION =
      KNOBS.choice(
          "operation", Operation.class, Operation.ADD, "How the values combine into the label.");
  public static final Knob<Integer> MARKER_BASE =
      KNOBS
          .integer("marker_base", 100, "Token of the first marker; marker i is marker_base + i.")
          .positive();
  public static final Knob<Boolean> DISTRACTOR_VALUES =
      KNOBS.bool(
          "distractor_values",
          false,
          "Whether distractors may also be value tokens (then only the markers say which values count).");
  public static final Knob<Sampling> SAMPLING =
      KNOBS.choice(
          "sampling",
          Sampling.class,
          Sampling.PER_EXAMPLE,
          "per_example: m and marker positions drawn per example; per_batch: once per batch, as the public code.");

  private final KnobValues values;

  /** The task of {@code values}, which hold (at least) the task section. */
  public TaskSpec(KnobValues values) {
    this.values = values;
    int seqLen = seqLen();
    int markersMin = markersMin();
    int markersMax = markersMax();
    if (markersMax < markersMin) {
      throw new ConfigException(
          "task.markers",
          "{min: " + markersMin + ", max: " + markersMax + "}",
          "max must be >= min");
    }
    // m markers with gaps >= 2 in positions 1..T-2 need T-1-m >= m free slots
    if (seqLen - 1 - markersMax < markersMax) {
      throw new ConfigException(
          "task.markers.max",
          markersMax,
          "too many markers for seq_len=" + seqLen + " (at most " + (seqLen - 1) / 2 + " fit)");
    }
    if (modulus() >= markerBase()) {
      throw new ConfigException(
          "task.modulus",
          modulus(),
          "value tokens 0.." + (modulus() - 1) + " must stay below marker_base=" + markerBase());
    }
    if (markerBase() + markersMax - 1 >= vocab()) {
      throw new ConfigException(
          "task.marker_base",
          markerBase(),
          "marker tokens "
              + markerBase()
              + ".."
              + (markerBase() + markersMax - 1)
              + " must be < vocab="
              + vocab());
    }
    if (vocab() - markersMax - (distractorValues() ? 0 : modulus()) < 1) {
      throw new ConfigException("task.vocab", vocab(), "leaves no token for distractors");
    }
  }

  /**
   * A task from a YAML mapping of task knobs, e.g. {@code {vocab: 32, modulus: 5}}; the rest
   * default.
   */
  public static TaskSpec parse(String yaml) {
    return new TaskSpec(KnobValues.parse(yaml, KNOBS));
  }

  public int vocab() {
    return values.get(VOCAB);
  }

  public int modulus() {
    return values.get(MODULUS);
  }

  public int seqLen() {
    return values.get(SEQ_LEN);
  }

  public int markersMin() {
    return values.get(MARKERS_MIN);
  }

  public int markersMax() {
    return values.get(MARKERS_MAX);
  }

  public Schedule schedule() {
    return values.get(SCHEDULE);
  }

  public Operation operation() {
    return values.get(OPERATION);
  }

  public int markerBase() {
    return values.get(MARKER_BASE);
  }

  public boolean distractorValues() {
    return values.get(DISTRACTOR_VALUES);
  }

  public Sampling sampling() {
    return values.get(SAMPLING);
  }

  /** Number of distinct marker counts, and so of eval and probe sets. */
  public int markerCountChoices() {
    return markersMax() - markersMin() + 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskSpec other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }
}
