package io.manifoldsweep.task;

import static io.manifoldsweep.ConfigException.requirePositive;

import io.manifoldsweep.ConfigException;

/**
 * The knobs of the marker modular-arithmetic task (DESIGN section 1). Construction validates every
 * combination, so a {@code TaskSpec} that exists can always generate examples.
 *
 * @param vocab number of token ids (default 256)
 * @param modulus C, the number of classes and of value tokens 0..C-1 (default 8)
 * @param seqLen T (default 16)
 * @param markersMin smallest number of markers per example (default 1)
 * @param markersMax largest number of markers per example (default 4)
 * @param schedule mixed or curriculum (default mixed)
 * @param operation add or mul (default add)
 * @param markerBase token of the first marker (default 100)
 * @param distractorValues whether distractors may also be value tokens (default false)
 * @param sampling per example or per batch (default per example)
 */
public record TaskSpec(
    int vocab,
    int modulus,
    int seqLen,
    int markersMin,
    int markersMax,
    Schedule schedule,
    Operation operation,
    int markerBase,
    boolean distractorValues,
    Sampling sampling) {

  public static final TaskSpec DEFAULT =
      new TaskSpec(
          256, 8, 16, 1, 4, Schedule.MIXED, Operation.ADD, 100, false, Sampling.PER_EXAMPLE);

  public TaskSpec {
    requirePositive("task.vocab", vocab);
    requirePositive("task.seq_len", seqLen);
    requirePositive("task.markers.min", markersMin);
    requirePositive("task.markers.max", markersMax);
    requirePositive("task.marker_base", markerBase);
    if (modulus < 2) {
      throw new ConfigException("task.modulus", modulus, "must be at least 2");
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
    if (modulus >= markerBase) {
      throw new ConfigException(
          "task.modulus",
          modulus,
          "value tokens 0.." + (modulus - 1) + " must stay below marker_base=" + markerBase);
    }
    if (markerBase + markersMax - 1 >= vocab) {
      throw new ConfigException(
          "task.marker_base",
          markerBase,
          "marker tokens "
              + markerBase
              + ".."
              + (markerBase + markersMax - 1)
              + " must be < vocab="
              + vocab);
    }
    if (schedule == null) {
      throw new ConfigException("task.schedule", "null", "must be mixed or curriculum");
    }
    if (operation == null) {
      throw new ConfigException("task.operation", "null", "must be add or mul");
    }
    if (sampling == null) {
      throw new ConfigException("task.sampling", "null", "must be per_example or per_batch");
    }
    int distractors = vocab - markersMax - (distractorValues ? 0 : modulus);
    if (distractors < 1) {
      throw new ConfigException("task.vocab", vocab, "leaves no token for distractors");
    }
  }

  /** Number of distinct marker counts, and so of eval and probe sets. */
  public int markerCountChoices() {
    return markersMax - markersMin + 1;
  }
}
