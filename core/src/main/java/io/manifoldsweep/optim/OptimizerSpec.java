package io.manifoldsweep.optim;

import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.train.TrainSpec;
import java.io.Serializable;

/** The update rule and its hyper-parameters: the optimizer knobs of the train section. */
public final class OptimizerSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The update rules (method section 3), with PyTorch's semantics. */
  public enum Kind {
    SGD,
    ADAMW
  }

  /** The default optimizer: AdamW 3e-4, weight decay 0.01, as the public code. */
  public static final OptimizerSpec DEFAULT = parse("{}");

  private final KnobValues values;

  /** The optimizer of {@code values}, which hold (at least) the train section. */
  public OptimizerSpec(KnobValues values) {
    this.values = values;
  }

  /**
   * From a YAML mapping of train knobs, e.g. {@code {optimizer: sgd, lr: 0.1}}; the rest default.
   */
  public static OptimizerSpec parse(String yaml) {
    return new OptimizerSpec(KnobValues.parse(yaml, TrainSpec.KNOBS));
  }

  /** From a mapping of train knobs, e.g. a golden file's hyper-parameters. */
  public static OptimizerSpec of(java.util.Map<String, Object> trainKnobs) {
    return new OptimizerSpec(KnobValues.of(TrainSpec.KNOBS, trainKnobs));
  }

  public Kind kind() {
    return values.get(TrainSpec.OPTIMIZER);
  }

  public double lr() {
    return values.get(TrainSpec.LR);
  }

  public double weightDecay() {
    return values.get(TrainSpec.WEIGHT_DECAY);
  }

  public double momentum() {
    return values.get(TrainSpec.MOMENTUM);
  }

  public double beta1() {
    return values.get(TrainSpec.BETA1);
  }

  public double beta2() {
    return values.get(TrainSpec.BETA2);
  }

  public double eps() {
    return values.get(TrainSpec.EPS);
  }

  public Optimizer create(ParamLayout layout, Precision precision) {
    return switch (kind()) {
      case SGD -> new Sgd(lr(), momentum(), weightDecay(), layout, precision);
      case ADAMW -> new AdamW(lr(), beta1(), beta2(), eps(), weightDecay(), layout, precision);
    };
  }
}
