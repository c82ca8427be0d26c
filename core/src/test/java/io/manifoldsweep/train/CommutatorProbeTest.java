package io.manifoldsweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.TaskSpec;
import org.junit.jupiter.api.Test;

/** The probe reuses its vectors from pair to pair; no pair may see another's, nor touch theta. */
class CommutatorProbeTest {
  private static final ParamLayout LAYOUT =
      ParamLayout.of(
          ModelSpec.parse(
              "{vocab: 256, seq_len: 16, modulus: 8, layers: 2, d_model: 32, heads: 2, d_mlp: 128}"));
  private static final MarkerTask TASK = new MarkerTask(TaskSpec.parse("{}"));

  @Test
  void aPairMeasuresTheSameAfterOtherPairsAsOnAFreshProbeAndLeavesThetaAlone() {
    for (Precision precision : Precision.values()) {
      Transformer model = new Transformer(LAYOUT);
      Params theta = Params.initialise(LAYOUT, precision, 7);
      double[] before = theta.toDoubleArray();
      CommutatorProbe used = new CommutatorProbe(model, theta);
      used.measure(theta, batch(0, 0), batch(0, 1), 1e-3);
      used.measure(theta, batch(1, 0), batch(1, 1), 1e-2);
      CommutatorProbe.Sample again = used.measure(theta, batch(2, 0), batch(2, 1), 1e-3);
      CommutatorProbe.Sample fresh =
          new CommutatorProbe(model, theta).measure(theta, batch(2, 0), batch(2, 1), 1e-3);

      assertThat(again.delta()).as("%s delta", precision).containsExactly(fresh.delta());
      assertThat(again.deltaNorm()).isEqualTo(fresh.deltaNorm());
      assertThat(again.defect()).isEqualTo(fresh.defect());
      assertThat(again.gradCosine()).isEqualTo(fresh.gradCosine());
      assertThat(fresh.deltaNorm()).as("a commutator of two different batches").isPositive();
      assertThat(theta.toDoubleArray()).as("%s theta", precision).containsExactly(before);
    }
  }

  private static Batch batch(int pair, int side) {
    return TASK.commutatorBatch(11, 0, pair, side, 16, 1, 4);
  }
}
