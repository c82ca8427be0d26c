package io.manifoldsweep.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.train.CellConfig;
import io.manifoldsweep.train.RecordSpec;
import org.junit.jupiter.api.Test;

class RecordingWorkTest {
  private static final ModelSpec CANONICAL = CellConfig.defaults().model();

  /**
   * By hand: the forward pass is a third of the step's products (each forward product has a weight-
   * and an input-gradient product of its size), so 4 x 1024 eval examples every 500 steps are 32 /
   * 3 steps' worth in 500, 4 x 256 probe examples every 100 steps 8 / 3 in 100, and 9 pairs' 36
   * gradients 36 steps in 500.
   */
  @Test
  void theDefaultRecordingAsksForTwelvePercentOfTrainingsProducts() {
    RecordingWork work =
        RecordingWork.of(
            CellConfig.defaults().record(), 4, 128, GemmProbe.stepShapes(CANONICAL, 128));

    assertThat(work.eval()).isCloseTo(32.0 / 3 / 500, within(1e-12));
    assertThat(work.probe()).isCloseTo(8.0 / 3 / 100, within(1e-12));
    assertThat(work.commutators()).isCloseTo(36.0 / 500, within(1e-12));
    assertThat(work.total()).isCloseTo(0.12, within(1e-12));
  }

  /**
   * Probes run at snapshot steps and at eval steps between them: 300 and 500 meet every 1500 steps.
   */
  @Test
  void probesFollowTheUnionOfSnapshotAndEvalSteps() {
    RecordSpec rec =
        CellConfig.parse("record: {snapshot_every: 300, eval_every: 500, commutator_every: 0}")
            .record();

    RecordingWork work = RecordingWork.of(rec, 2, 64, GemmProbe.stepShapes(CANONICAL, 64));

    double probeRowsPerStep = (5 + 3 - 1) / 1500.0;
    assertThat(work.probe()).isCloseTo(1.0 / 3 * 2 * 256 / 64 * probeRowsPerStep, within(1e-12));
    assertThat(work.commutators()).isZero();
  }
}
