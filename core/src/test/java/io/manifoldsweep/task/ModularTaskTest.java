package io.manifoldsweep.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.ConfigException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModularTaskTest {
  private static TaskSpec spec(String more) {
    return TaskSpec.parse("{kind: modular, modulus: 11" + more + "}");
  }

  private static Set<Long> pairs(Batch b) {
    Set<Long> out = new HashSet<>();
    for (int i = 0; i < b.size(); i++) {
      assertThat(out.add((long) b.token(i, 0) * 1000 + b.token(i, 1)))
          .as("pair %d appears once", i)
          .isTrue();
    }
    return out;
  }

  @Test
  void theSplitIsAPartitionOfTheDomainAndAPureFunctionOfTheDataSeed() {
    for (String op : new String[] {"add", "div"}) {
      TaskSpec spec = spec(", operation: " + op);
      ModularTask task = new ModularTask(spec, 3);
      Set<Long> train = pairs(task.trainSplit());
      Set<Long> test = pairs(task.testSplit());
      assertThat(train).doesNotContainAnyElementsOf(test);
      int lo = op.equals("div") ? 1 : 0;
      Set<Long> all = new HashSet<>(train);
      all.addAll(test);
      assertThat(all).hasSize((11 - lo) * (11 - lo));
      assertThat(all)
          .allMatch(p -> p / 1000 >= lo && p % 1000 >= lo && p / 1000 < 11 && p % 1000 < 11);
      assertThat(train).hasSize((int) Math.floor(0.5 * (11 - lo) * (11 - lo)));
      assertThat(pairs(new ModularTask(spec, 3).trainSplit())).isEqualTo(train);
      assertThat(pairs(new ModularTask(spec, 4).trainSplit())).isNotEqualTo(train);
    }
  }

  @Test
  void labelsAreTheOperationModPWithANonNegativeResult() {
    assertThat(Operation.SUB.apply(2, 5, 11)).isEqualTo(8);
    assertThat(Operation.DIV.apply(6, 3, 11)).isEqualTo(2);
    assertThat(Operation.DIV.apply(1, 2, 11) * 2 % 11).isEqualTo(1);
    assertThat(Operation.X2_Y2.apply(3, 4, 11)).isEqualTo(25 % 11);
    assertThat(Operation.X2_XY_Y2.apply(3, 4, 11)).isEqualTo(37 % 11);
    assertThat(Operation.X3_XY.apply(3, 4, 11)).isEqualTo(39 % 11);
    Batch b = new ModularTask(spec(", operation: x3_xy, equals_token: true"), 0).trainSplit();
    for (int i = 0; i < b.size(); i++) {
      int a = b.token(i, 0);
      int c = b.token(i, 1);
      assertThat(b.token(i, 2)).as("the equals token").isEqualTo(11);
      assertThat(b.labels()[i]).isEqualTo(Math.floorMod(a * a * a + a * c, 11));
    }
  }

  @Test
  void trainingBatchesDrawFromTheTrainSplitAsAPureFunctionOfTheStep() {
    ModularTask task = new ModularTask(spec(""), 5);
    Set<Long> train = pairs(task.trainSplit());
    Batch a = task.trainBatch(7, 64);
    assertThat(a.tokens())
        .isEqualTo(task.trainBatch(7, 64).tokens())
        .isNotEqualTo(task.trainBatch(8, 64).tokens());
    for (int i = 0; i < a.size(); i++) {
      assertThat(train).contains((long) a.token(i, 0) * 1000 + a.token(i, 1));
    }
    assertThat(task.commutatorBatch(7, 0, 0, 64).tokens()).isNotEqualTo(a.tokens());
    assertThat(task.kickBatch(7, 0, 0, 64).tokens())
        .isNotEqualTo(a.tokens())
        .isNotEqualTo(task.commutatorBatch(7, 0, 0, 64).tokens());
  }

  @Test
  void badModularKnobsNameKeyAndValue() {
    assertThatThrownBy(() -> TaskSpec.parse("{kind: modular, operation: div, modulus: 12}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("task.modulus=12")
        .hasMessageContaining("prime");
    assertThatThrownBy(() -> spec(", train_fraction: 1.0"))
        .hasMessageContaining("task.train_fraction=1.0");
    assertThatThrownBy(() -> TaskSpec.parse("{kind: modular, markers: 2}"))
        .hasMessageContaining("task.markers.min")
        .hasMessageContaining("task.kind: marker");
    assertThatThrownBy(() -> TaskSpec.parse("{operation: sub}"))
        .hasMessageContaining("task.operation='sub'")
        .hasMessageContaining("add or mul");
    assertThat(spec("").vocab()).isEqualTo(11);
    assertThat(spec(", equals_token: true").seqLen()).isEqualTo(3);
    assertThat(TaskSpec.parse("{kind: modular}").modulus()).isEqualTo(97);
    assertThat(TaskSpec.parse("{}").modulus()).isEqualTo(8);
  }
}
