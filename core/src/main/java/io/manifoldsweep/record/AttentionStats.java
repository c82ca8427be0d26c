package io.manifoldsweep.record;

/**
 * Attention of the last position on the probe batches, averaged over examples, indexed {@code
 * [marker count - markersMin][layer][head]}.
 */
public record AttentionStats(
    int markersMin, double[][][] entropy, double[][][] markerMass, double[][][] valueMass) {}
