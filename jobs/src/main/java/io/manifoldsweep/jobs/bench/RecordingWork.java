package io.manifoldsweep.jobs.bench;

import io.manifoldsweep.train.RecordSpec;
import java.math.BigInteger;
import java.util.List;

/**
 * The projection FLOPs a long cell's recording asks for, each pass's as a fraction of training's.
 * Recording keeps this share however fast the kernels get, as long as its passes run at the
 * training step's speed per FLOP; only their non-gemm part can shrink below it. A commutator pair
 * takes four gradients, each a step's products; eval and the attention probe take a forward pass of
 * every example of their fixed sets, a step's forward products per batch of examples.
 *
 * @param eval the eval sets' forward passes every {@code eval_every} steps
 * @param probe the probe batches' forward passes at every metrics row: every snapshot step and
 *     every eval step
 * @param commutators the 4 K gradients every {@code commutator_every} steps
 */
record RecordingWork(double eval, double probe, double commutators) {
  static RecordingWork of(
      RecordSpec rec, int markerCounts, int batch, List<GemmProbe.Shape> stepShapes) {
    double all = 0;
    double forward = 0;
    for (GemmProbe.Shape shape : stepShapes) {
      double flops = shape.perStep() * shape.flops();
      all += flops;
      forward += shape.forward() ? flops : 0;
    }
    double forwardPerBatch = forward / all;
    double metricsRowsPerStep =
        1.0 / rec.snapshotEvery()
            + 1.0 / rec.evalEvery()
            - 1.0 / lcm(rec.snapshotEvery(), rec.evalEvery());
    return new RecordingWork(
        forwardPerBatch * markerCounts * rec.evalExamples() / batch / rec.evalEvery(),
        forwardPerBatch * markerCounts * rec.probeExamples() / batch * metricsRowsPerStep,
        rec.commutatorEvery() == 0 ? 0 : 4.0 * rec.commutatorPairs() / rec.commutatorEvery());
  }

  double total() {
    return eval + probe + commutators;
  }

  private static long lcm(long a, long b) {
    return a / BigInteger.valueOf(a).gcd(BigInteger.valueOf(b)).longValue() * b;
  }
}
