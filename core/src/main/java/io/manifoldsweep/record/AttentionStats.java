package io.manifoldsweep.record;

/**
 * Attention of the last position on the probe batches, averaged over examples, indexed {@code
 * [marker count - markersMin][layer][head]}.
 */
public record AttentionStats(
    int markersMin, double[][][] entropy, double[][][] markerMass, double[][][] valueMass) {
  /** No probe sets: a task without marker counts. */
  public static final AttentionStats NONE =
      new AttentionStats(0, new double[0][][], new double[0][][], new double[0][][]);
}
