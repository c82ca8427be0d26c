package io.manifoldsweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.record.CheckpointRecord;
import io.manifoldsweep.record.CommutatorRecord;
import io.manifoldsweep.record.InMemoryRecordSink;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.record.RunStatus;
import io.manifoldsweep.record.SnapshotRecord;
import io.manifoldsweep.task.Schedule;
import io.manifoldsweep.task.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerTest {
  @BeforeAll
  static void oneThread() {
    NativeThreads.set(1);
  }

  /** A 2-layer, d 32 model on a 5-class task with one or two markers: seconds per run. */
  private static final String TINY =
      """
      task: {vocab: 32, modulus: 5, seq_len: 8, markers: {min: 1, max: 2}, marker_base: 16}
      model: {layers: 2, d_model: 32, heads: 2, d_mlp: 64}
      train: {batch_size: 64, lr: 3.0e-3, beta2: 0.98}
      record: {eval_examples: 256, probe_examples: 64, commutator_pairs: 3, checkpoints: [], resume_every: 0}
      """;

  static TaskSpec tinyTask(Schedule schedule) {
    return CellConfig.parse(TINY).with(TaskSpec.SCHEDULE, schedule).task();
  }

  /**
   * The tiny cell trained {@code steps} steps from {@code seed} (weights and data), with {@code
   * more} YAML sections set.
   */
  static CellConfig tiny(int steps, long seed, String more) {
    return CellConfig.parse(TINY)
        .with(TrainSpec.STEPS, steps)
        .with(TrainSpec.INIT_SEED, seed)
        .with(TrainSpec.DATA_SEED, seed)
        .with(more);
  }

  static String every(int snapshot, int eval, int commutator) {
    return "record: {snapshot_every: %d, eval_every: %d, commutator_every: %d}\n"
        .formatted(snapshot, eval, commutator);
  }

  @Test
  void tinyModelLearnsTheTask() {
    InMemoryRecordSink sink = new InMemoryRecordSink();
    RunResult result =
        new Trainer(tiny(1500, 1, every(250, 250, 0)), ProgressListener.NONE).run(sink);
    assertThat(result.status()).isEqualTo(RunStatus.OK);
    assertThat(result.finalEvalAccuracy())
        .as("pooled eval accuracy after 1500 steps")
        .isGreaterThanOrEqualTo(0.95);
    MetricsRecord first = sink.metrics().get(0);
    MetricsRecord last = sink.metrics().get(sink.metrics().size() - 1);
    assertThat(last.eval().pooledLoss()).isLessThan(first.eval().pooledLoss() / 5);
  }

  @Test
  void recordingTimeIsThePartOfTheWallTimeSpentInRecordingPasses() {
    RunResult everyStep =
        new Trainer(tiny(20, 1, every(1, 1, 1)), ProgressListener.NONE)
            .run(new InMemoryRecordSink());
    // each step records an eval of 512 examples, a probe of 128 and 3 commutator pairs (12
    // gradients)
    assertThat(everyStep.recordingSeconds()).isPositive().isLessThan(everyStep.wallSeconds());
    assertThat(everyStep.recordingSeconds() / everyStep.wallSeconds())
        .as("share of the wall time recording every step")
        .isGreaterThan(0.5);
    RunResult none =
        new Trainer(tiny(20, 1, every(100, 100, 0)), ProgressListener.NONE)
            .run(new InMemoryRecordSink());
    assertThat(none.recordingSeconds())
        .as("steps 0 and 20 only")
        .isLessThan(everyStep.recordingSeconds() / 4);
  }

  @Test
  void recordsFollowTheSchedule() {
    InMemoryRecordSink sink = new InMemoryRecordSink();
    RunResult result =
        new Trainer(tiny(250, 2, every(100, 200, 120)), ProgressListener.NONE).run(sink);
    assertThat(result.stepsDone()).isEqualTo(250);
    assertThat(sink.metrics())
        .extracting(MetricsRecord::step)
        .containsExactly(0L, 100L, 200L, 250L);
    assertThat(sink.metrics().get(0).trainLoss()).isNaN();
    assertThat(sink.metrics())
        .extracting(m -> m.eval() != null)
        .containsExactly(true, false, true, true);
    // 2 layers x 4 matrices per snapshot step
    assertThat(sink.snapshots()).hasSize(4 * 8);
    assertThat(sink.snapshots())
        .extracting(SnapshotRecord::block)
        .contains("layer0.wq", "layer1.wo");
    assertThat(sink.snapshots().get(0).values()).hasSize(32 * 32);
    assertThat(sink.commutators())
        .extracting(CommutatorRecord::step)
        .containsExactly(0L, 120L, 240L);
    CommutatorRecord c = sink.commutators().get(1);
    assertThat(c.delta()).hasSize(2 * 4 * 32 * 32);
    assertThat(c.defectP90()).isGreaterThanOrEqualTo(c.defectMedian()).isPositive();
    assertThat(c.gradCosine()).isBetween(-1.0, 1.0);
    assertThat(c.deltaNormOutsideAttention()).isPositive().isLessThan(c.deltaNorm());
    MetricsRecord m = sink.metrics().get(1);
    assertThat(m.attention().entropy()).hasDimensions(2, 2);
    double maxEntropy = Math.log(8);
    assertThat(m.attention().entropy()[0][0][0]).isBetween(0.0, maxEntropy);
    assertThat(m.attention().markerMass()[1][1][1] + m.attention().valueMass()[1][1][1])
        .isBetween(0.0, 1.0 + 1e-9);
  }

  @Test
  void evalStepsBetweenSnapshotsGetMetricsRowsOfTheirOwn() {
    InMemoryRecordSink sink = new InMemoryRecordSink();
    new Trainer(tiny(300, 3, every(100, 150, 0)), ProgressListener.NONE).run(sink);
    assertThat(sink.metrics())
        .extracting(MetricsRecord::step)
        .containsExactly(0L, 100L, 150L, 200L, 300L);
    assertThat(sink.metrics())
        .extracting(m -> m.eval() != null)
        .containsExactly(true, false, true, false, true);
    assertThat(sink.metrics()).allSatisfy(m -> assertThat(m.attention()).isNotNull());
    assertThat(sink.snapshots())
        .extracting(SnapshotRecord::step)
        .containsOnly(0L, 100L, 200L, 300L);
    // each row's train loss is the mean since the row before: at 150 and 200 over 50 steps, as
    // snapshots every 50 steps give them (recording never changes training)
    InMemoryRecordSink every50 = new InMemoryRecordSink();
    new Trainer(tiny(300, 3, every(50, 150, 0)), ProgressListener.NONE).run(every50);
    assertThat(every50.metrics())
        .extracting(MetricsRecord::step)
        .containsExactly(0L, 50L, 100L, 150L, 200L, 250L, 300L);
    assertThat(sink.metrics().get(2).trainLoss()).isEqualTo(every50.metrics().get(3).trainLoss());
    assertThat(sink.metrics().get(3).trainLoss()).isEqualTo(every50.metrics().get(4).trainLoss());
    assertThat(sink.metrics().get(2).eval())
        .usingRecursiveComparison()
        .isEqualTo(every50.metrics().get(3).eval());
  }

  @Test
  void checkpointsHoldTheWholeParameterVectorAtTheirSteps() {
    CellConfig cell =
        tiny(
            120,
            8,
            "record: {snapshot_every: 40, eval_every: 120, eval_examples: 64, probe_examples: 16, commutator_every: 0,"
                + " checkpoints: [0, 0.25, 80, 1.0]}");
    InMemoryRecordSink sink = new InMemoryRecordSink();
    new Trainer(cell, ProgressListener.NONE).run(sink);
    assertThat(sink.checkpoints())
        .extracting(CheckpointRecord::step)
        .containsExactly(0L, 30L, 80L, 120L);
    ParamLayout layout = ParamLayout.of(cell.model());
    ParamLayout.Entry wq = layout.blockEntry("layer1.wq");
    for (CheckpointRecord c : sink.checkpoints()) {
      assertThat(c.params()).hasSize((int) layout.size());
      SnapshotRecord snap =
          sink.snapshots().stream()
              .filter(s -> s.step() == c.step() && s.block().equals("layer1.wq"))
              .findFirst()
              .orElse(null);
      if (snap != null) {
        float[] slice =
            java.util.Arrays.copyOfRange(
                c.params(), (int) wq.offset(), (int) (wq.offset() + wq.length()));
        assertThat(slice)
            .as("layer1.wq inside the checkpoint at step %d", c.step())
            .isEqualTo(snap.values());
      }
    }
    assertThat(sink.checkpoints().get(0).params()).isNotEqualTo(sink.checkpoints().get(3).params());
  }

  /** A store that keeps every point in memory and can hand a chosen one back. */
  static final class MemoryStore implements ResumeStore {
    final List<ResumePoint> saved = new java.util.ArrayList<>();
    ResumePoint from;

    @Override
    public java.util.Optional<ResumePoint> latest() {
      return java.util.Optional.ofNullable(from);
    }

    @Override
    public void save(ResumePoint point) {
      saved.add(point);
    }
  }

  @Test
  void aRunResumedFromAPointRecordsExactlyWhatTheUninterruptedRunRecordsAfterIt() throws Exception {
    for (String opt :
        List.of(
            "{optimizer: adamw}",
            "{optimizer: sgd, lr: 0.05, weight_decay: 0.01, momentum: 0.9}")) {
      CellConfig cell =
          tiny(
                  130,
                  9,
                  "record: {snapshot_every: 20, eval_every: 30, eval_examples: 64, probe_examples: 16, commutator_every: 25,"
                      + " commutator_pairs: 2, checkpoints: [0.3, 0.7], resume_every: 40}\n"
                      + "task: {schedule: curriculum}\n"
                      + "train: {reset_optimizer_per_stage: true}")
              .with("train: " + opt);
      InMemoryRecordSink whole = new InMemoryRecordSink();
      MemoryStore store = new MemoryStore();
      RunResult uninterrupted = new Trainer(cell, ProgressListener.NONE).run(whole, store);
      assertThat(store.saved).extracting(ResumePoint::step).containsExactly(40L, 80L, 120L);
      // the point at 80 after a round trip through its binary form, as a retried task reads it
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      store.saved.get(1).write(new java.io.DataOutputStream(bytes));
      MemoryStore again = new MemoryStore();
      again.from =
          ResumePoint.read(
              new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
      InMemoryRecordSink rest = new InMemoryRecordSink();
      RunResult resumed = new Trainer(cell, ProgressListener.NONE).run(rest, again);
      assertThat(resumed.resumedFrom()).containsExactly(80L);
      assertThat(resumed.stepsTrained()).isEqualTo(50);
      assertThat(uninterrupted.stepsTrained()).isEqualTo(130);
      assertThat(resumed.finalEvalAccuracy()).isEqualTo(uninterrupted.finalEvalAccuracy());
      assertThat(again.saved).extracting(ResumePoint::step).containsExactly(120L);
      assertThat(again.saved.get(0).resumedFrom()).containsExactly(80L);
      ResumePoint at80 = again.from;
      assertThat(at80.recordingSeconds())
          .as("recording before step 80")
          .isPositive()
          .isLessThan(at80.trainingSeconds());
      assertThat(resumed.recordingSeconds())
          .as("recording over both attempts")
          .isGreaterThan(at80.recordingSeconds());
      assertSameSnapshots(
          rest.snapshots(), whole.snapshots().stream().filter(s -> s.step() > 80).toList());
      assertThat(rest.metrics())
          .usingRecursiveFieldByFieldElementComparator()
          .isEqualTo(whole.metrics().stream().filter(m -> m.step() > 80).toList());
      assertThat(rest.commutators())
          .usingRecursiveFieldByFieldElementComparator()
          .isEqualTo(whole.commutators().stream().filter(c -> c.step() > 80).toList());
      assertThat(rest.checkpoints())
          .usingRecursiveFieldByFieldElementComparator()
          .isEqualTo(whole.checkpoints().stream().filter(c -> c.step() > 80).toList());
      assertThat(rest.checkpoints()).isNotEmpty();
    }
  }

  @Test
  void sameConfigGivesBitIdenticalSnapshots() {
    CellConfig cell = tiny(120, 3, every(40, 120, 0));
    InMemoryRecordSink a = new InMemoryRecordSink();
    InMemoryRecordSink b = new InMemoryRecordSink();
    new Trainer(cell, ProgressListener.NONE).run(a);
    new Trainer(cell, ProgressListener.NONE).run(b);
    assertSameSnapshots(a.snapshots(), b.snapshots());
    InMemoryRecordSink other = new InMemoryRecordSink();
    new Trainer(tiny(120, 4, every(40, 120, 0)), ProgressListener.NONE).run(other);
    assertThat(other.snapshots().get(0).values()).isNotEqualTo(a.snapshots().get(0).values());
  }

  @Test
  void commutatorProbesNeverChangeTraining() {
    InMemoryRecordSink without = new InMemoryRecordSink();
    InMemoryRecordSink with = new InMemoryRecordSink();
    new Trainer(tiny(100, 5, every(50, 100, 0)), ProgressListener.NONE).run(without);
    new Trainer(tiny(100, 5, every(50, 100, 25)), ProgressListener.NONE).run(with);
    assertThat(with.commutators()).hasSize(5);
    assertSameSnapshots(without.snapshots(), with.snapshots());
  }

  @Test
  void hugeLearningRateEndsDivergedNotInAnError() {
    String explode = "train: {optimizer: sgd, lr: 1.0e6, weight_decay: 0}\n";
    RunResult result =
        new Trainer(tiny(200, 6, explode + every(50, 50, 0)), ProgressListener.NONE)
            .run(new InMemoryRecordSink());
    assertThat(result.status()).isEqualTo(RunStatus.DIVERGED);
    assertThat(result.stepsDone()).isLessThan(200);
    assertThat(result.message()).contains("at step " + result.stepsDone());
  }

  @Test
  void curriculumStagesRaiseMarkerCountAndCanResetTheOptimizer() {
    MarkerRun.Curriculum c = new MarkerRun.Curriculum(tinyTask(Schedule.CURRICULUM), 100);
    assertThat(c.stage(0)).isZero();
    assertThat(c.stage(49)).isZero();
    assertThat(c.stage(50)).isEqualTo(1);
    assertThat(c.stage(99)).isEqualTo(1);
    assertThat(c.mMin(0)).isEqualTo(1);
    assertThat(c.mMax(0)).isEqualTo(1);
    assertThat(c.mMin(1)).isEqualTo(2);
    MarkerRun.Curriculum mixed = new MarkerRun.Curriculum(tinyTask(Schedule.MIXED), 100);
    assertThat(mixed.stage(99)).isZero();
    assertThat(mixed.mMax(0)).isEqualTo(2);

    InMemoryRecordSink keep = new InMemoryRecordSink();
    InMemoryRecordSink reset = new InMemoryRecordSink();
    new Trainer(
            tiny(60, 7, every(60, 60, 0) + "task: {schedule: curriculum}"), ProgressListener.NONE)
        .run(keep);
    new Trainer(
            tiny(
                60,
                7,
                every(60, 60, 0)
                    + "task: {schedule: curriculum}\ntrain: {reset_optimizer_per_stage: true}"),
            ProgressListener.NONE)
        .run(reset);
    int last = keep.snapshots().size() - 1;
    assertThat(keep.snapshots().get(0).values()).isEqualTo(reset.snapshots().get(0).values());
    assertThat(keep.snapshots().get(last).values())
        .isNotEqualTo(reset.snapshots().get(last).values());
  }

  @Test
  void float64TrainingIsSelectable() {
    CellConfig cell =
        tiny(
            20,
            1,
            every(10, 10, 10)
                + "model: {layers: 1, d_model: 16, heads: 2, mlp: true, d_mlp: 32}\n"
                + "train: {batch_size: 16, eval_seed: 1, precision: float64}");
    InMemoryRecordSink sink = new InMemoryRecordSink();
    assertThat(new Trainer(cell, ProgressListener.NONE).run(sink).status()).isEqualTo(RunStatus.OK);
    assertThat(sink.commutators()).hasSize(3);
  }

  private static void assertSameSnapshots(List<SnapshotRecord> a, List<SnapshotRecord> b) {
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).step()).isEqualTo(b.get(i).step());
      assertThat(a.get(i).block()).isEqualTo(b.get(i).block());
      assertThat(a.get(i).values())
          .as("snapshot %s at step %s", a.get(i).block(), a.get(i).step())
          .isEqualTo(b.get(i).values());
    }
  }
}
