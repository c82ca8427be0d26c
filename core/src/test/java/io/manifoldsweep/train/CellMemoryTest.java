package io.manifoldsweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.record.InMemoryRecordSink;
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
    // eval and probe sets larger than one inference chunk, commutators on: every pass of a real
    // cell
    CellConfig cell =
        TrainerTest.tiny(
                10,
                1,
                "record: {snapshot_every: 5, eval_every: 5, eval_examples: 512, probe_examples: 256,"
                    + " commutator_every: 5, commutator_pairs: 2}")
            .with("model: {layers: 3, d_model: 64, heads: 2, mlp: " + mlp + ", d_mlp: 128}")
            .with(TrainSpec.BATCH_SIZE, 96)
            .with(TrainSpec.PRECISION, precision);
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
