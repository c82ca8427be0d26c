package io.manifoldsweep.record;

/** Accuracy and mean loss on the whole train split and the whole test split (method 9.1). */
public record SplitEval(
    double trainAccuracy, double trainLoss, double testAccuracy, double testLoss) {}
