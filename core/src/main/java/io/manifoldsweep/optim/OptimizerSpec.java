package io.manifoldsweep.optim;

import static io.manifoldsweep.ConfigException.requireNonNegative;
import static io.manifoldsweep.ConfigException.requirePositive;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Precision;

/**
 * Optimizer choice and hyper-parameters (DESIGN section 3).
 *
 * @param kind sgd or adamw (default adamw, as the public code)
 * @param lr learning rate (default 3e-4)
 * @param weightDecay adamw: decoupled decay applied to every parameter; sgd: L2 added to the
 *     gradient (default 0.01)
 * @param momentum sgd only (default 0)
 * @param beta1 adamw (default 0.9)
 * @param beta2 adamw (default 0.999)
 * @param eps adamw (default 1e-8)
 */
public record OptimizerSpec(
    Kind kind,
    double lr,
    double weightDecay,
    double momentum,
    double beta1,
    double beta2,
    double eps) {
  public enum Kind {
    SGD,
    ADAMW
  }

  public static final OptimizerSpec DEFAULT =
      new OptimizerSpec(Kind.ADAMW, 3e-4, 0.01, 0.0, 0.9, 0.999, 1e-8);

  public OptimizerSpec {
    if (kind == null) {
      throw new ConfigException("train.optimizer", "null", "must be sgd or adamw");
    }
    requirePositive("train.lr", lr);
    requireNonNegative("train.weight_decay", weightDecay);
    requireUnitInterval("train.momentum", momentum);
    requireUnitInterval("train.beta1", beta1);
    requireUnitInterval("train.beta2", beta2);
    requirePositive("train.eps", eps);
  }

  private static void requireUnitInterval(String key, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new ConfigException(key, value, "must be in [0, 1)");
    }
  }

  public Optimizer create(ParamLayout layout, Precision precision) {
    return switch (kind) {
      case SGD -> new Sgd(lr, momentum, weightDecay, layout, precision);
      case ADAMW -> new AdamW(lr, beta1, beta2, eps, weightDecay, layout, precision);
    };
  }
}
