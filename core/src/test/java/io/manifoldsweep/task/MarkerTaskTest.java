package io.manifoldsweep.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkerTaskTest {
  @Test
  void batchesArePureFunctionsOfSeedAndStep() {
    MarkerTask task = new MarkerTask(TaskSpec.parse("{}"));
    Batch a = task.trainBatch(7, 123, 32, 1, 4);
    Batch b = task.trainBatch(7, 123, 32, 1, 4);
    Batch otherStep = task.trainBatch(7, 124, 32, 1, 4);
    Batch otherSeed = task.trainBatch(8, 123, 32, 1, 4);
    assertThat(a.tokens()).isEqualTo(b.tokens());
    assertThat(a.labels()).isEqualTo(b.labels());
    assertThat(a.tokens()).isNotEqualTo(otherStep.tokens());
    assertThat(a.tokens()).isNotEqualTo(otherSeed.tokens());
  }

  @Test
  void examplesFollowTheMarkerGrammar() {
    for (Operation op : java.util.List.of(Operation.ADD, Operation.MUL)) {
      TaskSpec spec =
          TaskSpec.parse("{operation: " + op.name().toLowerCase(java.util.Locale.ROOT) + "}");
      Batch batch = new MarkerTask(spec).trainBatch(3, 0, 500, 1, 4);
      for (int e = 0; e < batch.size(); e++) {
        List<Integer> markerPositions = new ArrayList<>();
        int expected = op == Operation.ADD ? 0 : 1;
        for (int p = 0; p < 16; p++) {
          int tok = batch.token(e, p);
          if (tok >= 100 && tok < 104) {
            assertThat(tok)
                .as("markers are numbered in position order")
                .isEqualTo(100 + markerPositions.size());
            markerPositions.add(p);
            int value = batch.token(e, p + 1);
            assertThat(value).isBetween(0, 7);
            assertThat(batch.role(e, p + 1)).isEqualTo(Batch.VALUE);
            expected = op == Operation.ADD ? (expected + value) % 8 : (expected * value) % 8;
          } else if (batch.role(e, p) == Batch.DISTRACTOR) {
            assertThat(tok)
                .as("distractors are neither values nor markers")
                .isGreaterThanOrEqualTo(8);
          }
        }
        assertThat(markerPositions).hasSize(batch.markerCounts()[e]);
        assertThat(markerPositions.get(0)).isGreaterThanOrEqualTo(1);
        assertThat(markerPositions.get(markerPositions.size() - 1)).isLessThanOrEqualTo(14);
        for (int i = 1; i < markerPositions.size(); i++) {
          assertThat(markerPositions.get(i) - markerPositions.get(i - 1)).isGreaterThanOrEqualTo(2);
        }
        assertThat(batch.labels()[e]).isEqualTo(expected);
      }
    }
  }

  @Test
  void markerPositionSetsAreUniform() {
    // T=6, m=2: positions in 1..4 with gap >= 2 -> {1,3},{1,4},{2,4}: each a third of the draws
    TaskSpec spec =
        TaskSpec.parse("{vocab: 128, modulus: 3, seq_len: 6, markers: {min: 2, max: 2}}");
    Batch batch = new MarkerTask(spec).trainBatch(1, 0, 30000, 2, 2);
    Map<String, Integer> counts = new HashMap<>();
    for (int e = 0; e < batch.size(); e++) {
      StringBuilder key = new StringBuilder();
      for (int p = 0; p < 6; p++) {
        if (batch.role(e, p) == Batch.MARKER) {
          key.append(p);
        }
      }
      counts.merge(key.toString(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("13", "14", "24");
    counts.values().forEach(c -> assertThat(c).isBetween(9500, 10500));
  }

  @Test
  void perBatchSamplingSharesMarkerLayout() {
    TaskSpec spec = TaskSpec.parse("{markers: {min: 1, max: 4}, sampling: per_batch}");
    Batch batch = new MarkerTask(spec).trainBatch(5, 9, 64, 1, 4);
    for (int e = 1; e < batch.size(); e++) {
      assertThat(batch.markerCounts()[e]).isEqualTo(batch.markerCounts()[0]);
      for (int p = 0; p < 16; p++) {
        assertThat(batch.role(e, p)).isEqualTo(batch.role(0, p));
      }
    }
    Batch perExample =
        new MarkerTask(TaskSpec.parse("{markers: {min: 1, max: 4}}")).trainBatch(5, 9, 64, 1, 4);
    assertThat(java.util.Arrays.stream(perExample.markerCounts()).distinct().count())
        .isGreaterThan(1);
  }

  @Test
  void distractorValuesAllowsValueTokensAsDistractors() {
    TaskSpec spec = TaskSpec.parse("{markers: {min: 1, max: 1}, distractor_values: true}");
    Batch batch = new MarkerTask(spec).trainBatch(1, 0, 200, 1, 1);
    boolean sawValueDistractor = false;
    for (int i = 0; i < batch.tokens().length; i++) {
      sawValueDistractor |= batch.roles()[i] == Batch.DISTRACTOR && batch.tokens()[i] < 8;
    }
    assertThat(sawValueDistractor).isTrue();
  }

  @Test
  void evalAndProbeSetsAreFixedAndDistinct() {
    MarkerTask task = new MarkerTask(TaskSpec.parse("{}"));
    assertThat(task.evalSet(1, 3, 16).tokens()).isEqualTo(task.evalSet(1, 3, 16).tokens());
    assertThat(task.evalSet(1, 3, 16).tokens()).isNotEqualTo(task.probeSet(1, 3, 16).tokens());
    assertThat(task.evalSet(1, 3, 16).markerCounts()).containsOnly(3);
    assertThat(task.commutatorBatch(1, 0, 0, 0, 16, 1, 4).tokens())
        .isNotEqualTo(task.trainBatch(1, 0, 16, 1, 4).tokens());
  }

  @Test
  void invalidKnobsAreRejectedNamingTheKnob() {
    assertThatThrownBy(() -> TaskSpec.parse("{seq_len: 8, markers: {min: 1, max: 4}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("task.markers.max=4")
        .hasMessageContaining("seq_len=8");
    assertThatThrownBy(() -> TaskSpec.parse("{vocab: 102, markers: {min: 1, max: 4}}"))
        .hasMessageContaining("task.marker_base=100")
        .hasMessageContaining("vocab=102");
    assertThatThrownBy(() -> TaskSpec.parse("{modulus: 120}"))
        .hasMessageContaining("task.modulus=120");
    assertThatThrownBy(() -> TaskSpec.parse("{markers: {min: 3, max: 2}}"))
        .hasMessageContaining("task.markers");
    assertThatThrownBy(() -> TaskSpec.parse("{modulus: 1, markers: {min: 1, max: 2}}"))
        .hasMessageContaining("task.modulus=1");
    assertThatThrownBy(() -> TaskSpec.parse("{seq_len: 0, markers: {min: 1, max: 2}}"))
        .hasMessageContaining("task.seq_len=0");
  }

  @Test
  void splitMixIsUnbiasedAndStable() {
    SplitMix64 a = SplitMix64.forKeys(1, 2, 3);
    SplitMix64 b = SplitMix64.forKeys(1, 2, 3);
    int[] counts = new int[7];
    for (int i = 0; i < 70000; i++) {
      int x = a.nextInt(7);
      assertThat(x).isEqualTo(b.nextInt(7));
      counts[x]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(9500, 10500);
    }
    assertThat(SplitMix64.forKeys(1, 2, 3).nextLong())
        .isNotEqualTo(SplitMix64.forKeys(1, 2, 4).nextLong());
  }
}
