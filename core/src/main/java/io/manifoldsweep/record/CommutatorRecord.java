package io.manifoldsweep.record;

/**
 * Summary of the K commutator samples at a step. {@code delta} is the median sample's delta over
 * the recorded coordinates (null when none are recorded).
 */
public record CommutatorRecord(
    long step,
    int pairs,
    double defectMedian,
    double defectP90,
    double gradCosine,
    float[] delta,
    double deltaNorm,
    double deltaNormOutsideAttention) {}
