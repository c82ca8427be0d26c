package io.manifoldsweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Passes reuse the previous pass's arrays, which still hold its values: a gradient computed in a
 * pass must not depend on what ran before it (the golden tests call the model outside any pass).
 */
class WorkspacesTest {
  private static final TaskSpec TASK =
      TaskSpec.parse(
          "{vocab: 30, modulus: 5, seq_len: 7, markers: {min: 1, max: 2}, marker_base: 10}");

  @ParameterizedTest
  @CsvSource({"false, FLOAT64", "true, FLOAT64", "false, FLOAT32"})
  void gradientInAReusedPassEqualsAFreshOne(boolean mlp, Precision precision) {
    ModelSpec spec =
        ModelSpec.parse(
            "{vocab: 30, seq_len: 7, modulus: 5, layers: 2, d_model: 20, heads: 4, mlp: "
                + mlp
                + ", d_mlp: 24}");
    ParamLayout layout = ParamLayout.of(spec);
    Transformer model = new Transformer(layout);
    MarkerTask task = new MarkerTask(TASK);
    Batch first = task.trainBatch(2, 0, 9, 1, 2);
    Batch second = task.trainBatch(2, 1, 9, 1, 2);
    Batch smaller = task.trainBatch(2, 2, 5, 1, 2);
    Params theta = Params.initialise(layout, precision, 4);

    Params expectedSecond = Params.zeros(layout, precision);
    double lossSecond = model.lossAndGradient(theta, second, expectedSecond);
    Params expectedSmaller = Params.zeros(layout, precision);
    double lossSmaller = model.lossAndGradient(theta, smaller, expectedSmaller);

    Params grad = Params.zeros(layout, precision);
    for (Batch b : new Batch[] {first, second}) {
      try (Workspaces.Scope ignored = Workspaces.open("test")) {
        double loss = model.lossAndGradient(theta, b, grad);
        if (b == second) {
          assertThat(loss).isEqualTo(lossSecond);
          assertThat(grad.toDoubleArray()).containsExactly(expectedSecond.toDoubleArray());
        }
      }
    }
    try (Workspaces.Scope ignored = Workspaces.open("test")) {
      assertThat(model.lossAndGradient(theta, smaller, grad)).isEqualTo(lossSmaller);
      assertThat(grad.toDoubleArray()).containsExactly(expectedSmaller.toDoubleArray());
    }
  }

  @Test
  void aPassCannotOpenInsideOneOfItsName() {
    try (Workspaces.Scope outer = Workspaces.open("nested")) {
      assertThatThrownBy(() -> Workspaces.open("nested"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("a pass named 'nested' is already open");
      try (Workspaces.Scope inner = Workspaces.open("other")) {
        assertThat(inner).isNotNull();
      }
    }
    try (Workspaces.Scope again = Workspaces.open("nested")) {
      assertThat(again).isNotNull();
    }
  }
}
