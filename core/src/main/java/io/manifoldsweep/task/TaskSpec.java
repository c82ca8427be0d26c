package io.manifoldsweep.task;

import static io.manifoldsweep.ConfigException.describe;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobValues;
import java.io.Serializable;
import java.util.Map;

/**
 * The task's knobs (method section 1) and the checks between them, so that a {@code TaskSpec} that
 * exists can always generate examples.
 */
public final class TaskSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final KnobSection KNOBS =
      new KnobSection(
              "task",
              "The task: marker modular arithmetic (method section 1, the default) or every pair of a binary"
                  + " operation mod p (method 9.1, the grokking experiments).")
          .group(
              "markers",
              "How many markers an example has: an integer, or a range.",
              v -> v instanceof Integer ? Map.of("min", v, "max", v) : null,
              "an integer or {min: a, max: b}");

  public static final Knob<TaskKind> KIND =
      KNOBS
          .choice(
              "kind",
              TaskKind.class,
              TaskKind.MARKER,
              "marker: the first paper's task; modular: every pair (a, b) of an operation mod p, split into train"
                  + " and test (grokking).")
          .identity(Knob.Identity.UNLESS_DEFAULT);
  public static final Knob<Integer> VOCAB =
      KNOBS
          .integer("vocab", 256, "Token ids: values, markers and distractors.")
          .positive()
          .onlyWhen(KIND, TaskKind.MARKER);
  public static final Knob<Integer> MODULUS =
      KNOBS
          .integer("modulus", 8, "C, or p: the classes, and the value tokens 0..C-1.")
          .defaultBy(KIND, Map.of(TaskKind.MARKER, 8, TaskKind.MODULAR, 97))
          .check(v -> v >= 2 ? null : "must be at least 2");
  public static final Knob<Integer> SEQ_LEN =
      KNOBS
          .integer("seq_len", 16, "T: positions per example; the model reads out at the last.")
          .positive();
  public static final Knob<Integer> MARKERS_MIN =
      KNOBS
          .integer("markers.min", 1, "Fewest markers per example.")
          .positive()
          .onlyWhen(KIND, TaskKind.MARKER);
  public static final Knob<Integer> MARKERS_MAX =
      KNOBS
          .integer("markers.max", 4, "Most markers per example.")
          .positive()
          .onlyWhen(KIND, TaskKind.MARKER);
  public static final Knob<Schedule> SCHEDULE =
      KNOBS
          .choice(
              "schedule",
              Schedule.class,
              Schedule.MIXED,
              "mixed: m uniform in [min, max]; curriculum: m = min, ..., max in equal stages of training.")
          .onlyWhen(KIND, TaskKind.MARKER);
  public static final Knob<Operation> OPERATION =
      KNOBS.choice(
          "operation", Operation.class, Operation.ADD, "How the values combine into the label.");
  public static final Knob<Integer> MARKER_BASE =
      KNOBS
          .integer("marker_base", 100, "Token of the first marker; marker i is marker_base + i.")
          .positive();
  public static final Knob<Boolean> DISTRACTOR_VALUES =
      KNOBS
          .bool(
              "distractor_values",
              false,
              "Whether distractors may also be value tokens (then only the markers say which values count).")
          .onlyWhen(KIND, TaskKind.MARKER);
  public static final Knob<Sampling> SAMPLING =
      KNOBS
          .choice(
              "sampling",
              Sampling.class,
              Sampling.PER_EXAMPLE,
              "per_example: m and marker positions drawn per example; per_batch: once per batch, as the public code.")
          .onlyWhen(KIND, TaskKind.MARKER);
  public static final Knob<Boolean> EQUALS_TOKEN =
      KNOBS
          .bool(
              "equals_token", false, "Sequences [a, b, =] (T 3, vocabulary p+1) instead of [a, b].")
          .onlyWhen(KIND, TaskKind.MODULAR);
  public static final Knob<Double> TRAIN_FRACTION =
      KNOBS
          .number(
              "train_fraction",
              0.5,
              "Of all pairs, after a shuffle that is a pure function of data_seed, the first floor(fraction x N) train"
                  + " and the rest test.")
          .check(v -> v > 0 && v < 1 ? null : "must lie in (0, 1): both splits need pairs")
          .onlyWhen(KIND, TaskKind.MODULAR);

  static {
    KNOBS.listAfter(KIND, SAMPLING);
  }

  private final KnobValues values;

  /** The task of {@code values}, which hold (at least) the task section. */
  public TaskSpec(KnobValues values) {
    this.values = values;
    if (kind() == TaskKind.MARKER) {
      checkMarker();
    } else {
      checkModular();
    }
  }

  private void checkMarker() {
    int seqLen = seqLen();
    int markersMin = markersMin();
    int markersMax = markersMax();
    if (operation() != Operation.ADD && operation() != Operation.MUL) {
      throw new ConfigException(
          OPERATION.key(),
          describe(operation().label()),
          "the marker task combines its values with add or mul");
    }
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

  private void checkModular() {
    int p = modulus();
    if (operation().needsPrime() && !java.math.BigInteger.valueOf(p).isProbablePrime(30)) {
      throw new ConfigException(
          MODULUS.key(),
          p,
          "operation " + operation().label() + " needs a prime modulus (every b an inverse)");
    }
    if (p > 1290) {
      throw new ConfigException(
          MODULUS.key(), p, "is above 1290: the task holds every pair (a, b), p^2 of them");
    }
    long train = trainPairs();
    if (train < 1 || train >= pairs()) {
      throw new ConfigException(
          TRAIN_FRACTION.key(),
          trainFraction(),
          "leaves " + train + " of " + pairs() + " pairs for training: both splits need pairs");
    }
  }

  /**
   * A task from a YAML mapping of task knobs, e.g. {@code {vocab: 32, modulus: 5}}; the rest
   * default.
   */
  public static TaskSpec parse(String yaml) {
    return new TaskSpec(KnobValues.parse(yaml, KNOBS));
  }

  public TaskKind kind() {
    return values.get(KIND);
  }

  /**
   * Token ids: the marker task's knob; p values, and the equals token if any, for the modular task.
   */
  public int vocab() {
    return kind() == TaskKind.MARKER ? values.get(VOCAB) : modulus() + (equalsToken() ? 1 : 0);
  }

  /** The classes: C of the marker task, p of the modular task. */
  public int modulus() {
    return values.get(MODULUS);
  }

  /** Positions: the marker task's knob; 2, or 3 with the equals token, for the modular task. */
  public int seqLen() {
    return kind() == TaskKind.MARKER ? values.get(SEQ_LEN) : equalsToken() ? 3 : 2;
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

  public boolean equalsToken() {
    return values.get(EQUALS_TOKEN);
  }

  public double trainFraction() {
    return values.get(TRAIN_FRACTION);
  }

  /** The modular task's pairs: p^2, or (p-1)^2 for an operation on 1..p-1. */
  public long pairs() {
    long n = operation().nonZeroOperands() ? modulus() - 1 : modulus();
    return n * n;
  }

  /** The modular task's train split: the first floor(train_fraction x pairs) pairs. */
  public int trainPairs() {
    return (int) Math.floor(trainFraction() * pairs());
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
