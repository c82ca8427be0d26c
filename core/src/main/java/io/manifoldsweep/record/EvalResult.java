package io.manifoldsweep.record;

/** Accuracy and mean loss per marker count ({@code [m - markersMin]}) and pooled over all m. */
public record EvalResult(
    int markersMin, double[] accuracy, double[] loss, double pooledAccuracy, double pooledLoss) {}
