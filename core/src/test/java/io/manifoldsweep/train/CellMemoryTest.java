package io.manifoldsweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.Workspaces;
import io.manifoldsweep.record.InMemoryRecordSink;
import io.manifoldsweep.task.Schedule;
import io.manifoldsweep.task.TaskSpec;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The activation estimate against the memory a cell's passes really keep. */
class CellMemoryTest {
  private static ExecutorService thread;

  @BeforeAll
  static void oneThread() {
    NativeThreads.set(1);
  }

  @AfterAll
  static void stop() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }

  @ParameterizedTest(name = "mlp={0} {1}")
  @CsvSource({"false, FLOAT32", "false, FLOAT64", "true, FLOAT32"})
  void activationEstimateMatchesWhatThePassesKeep(boolean mlp, Precision precision)
      throws Exception {
    TaskSpec task = TrainerTest.tinyTask(Schedule.MIXED);
    ModelSpec model = CellConfig.modelFor(task, 3, 64, 2, mlp, 128);
    // eval and probe sets larger than one inference chunk, commutators on: every pass of a real
    // cell
    RecordSpec record =
        new RecordSpec(
            5, 5, 512, 256, 5, 2, 1e-3, CommutatorVectors.ATTENTION, false, Checkpoints.NONE, 0);
    TrainSpec train =
        new TrainSpec(
            10, 96, TrainerTest.ADAMW, false, 1, 1, TrainSpec.DEFAULT_EVAL_SEED, precision);
    CellConfig cell = new CellConfig(task, model, train, record);
    // pools are per thread: a fresh one holds this cell's passes and nothing left by other tests
    thread = Executors.newSingleThreadExecutor();
    long pooled =
        thread
            .submit(
                () -> {
                  new Trainer(cell, ProgressListener.NONE).run(new InMemoryRecordSink());
                  return Workspaces.pooledBytes();
                })
            .get();
    thread.shutdown();
    double estimate = CellMemory.activationBytes(cell);
    assertThat(pooled).as("bytes the passes keep").isPositive();
    assertThat(estimate)
        .as("estimate of %d pooled bytes", pooled)
        .isBetween((double) pooled, 1.5 * pooled);
  }
}
