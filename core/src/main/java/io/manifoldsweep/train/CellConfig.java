package io.manifoldsweep.train;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.task.TaskSpec;

/** Everything one training run depends on: one cell of a sweep, fully resolved. */
public record CellConfig(TaskSpec task, ModelSpec model, TrainSpec train, RecordSpec record) {
  public CellConfig {
    if (model.vocab() != task.vocab()
        || model.seqLen() != task.seqLen()
        || model.classes() != task.modulus()) {
      throw new ConfigException(
          "model",
          "vocab=" + model.vocab() + ", seq_len=" + model.seqLen() + ", classes=" + model.classes(),
          "must match the task's vocab="
              + task.vocab()
              + ", seq_len="
              + task.seqLen()
              + ", modulus="
              + task.modulus());
    }
    record.checkpoints().steps(train.steps());
  }

  /** The model of DESIGN section 2 sized for {@code task}. */
  public static ModelSpec modelFor(
      TaskSpec task, int layers, int dModel, int heads, boolean mlp, int dMlp) {
    return new ModelSpec(
        task.vocab(), task.seqLen(), task.modulus(), layers, dModel, heads, mlp, dMlp);
  }
}
