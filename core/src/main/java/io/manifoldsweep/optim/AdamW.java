package io.manifoldsweep.optim;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code torch.optim.AdamW}: decoupled decay {@code p -= lr*wd*p} on every parameter, then Adam with
 * bias correction, written in PyTorch's order of operations.
 */
final class AdamW implements Optimizer {
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final Params m;
  private final Params v;
  private long t;

  AdamW(double lr, double beta1, double beta2, double eps, double weightDecay, ParamLayout layout, Precision precision) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.m = Params.zeros(layout, precision);
    this.v = Params.zeros(layout, precision);
  }

  @Override
  public void step(Params params, Params grad) {
    t++;
    INDArray p = params.flat();
    INDArray g = grad.flat();
    if (weightDecay > 0) {
      p.muli(1.0 - lr * weightDecay);
    }
    m.flat().muli(beta1).addi(g.mul(1.0 - beta1));
    v.flat().muli(beta2).addi(g.mul(g).muli(1.0 - beta2));
    double bias1 = 1.0 - Math.pow(beta1, t);
    double bias2 = 1.0 - Math.pow(beta2, t);
    INDArray denom = Transforms.sqrt(v.flat(), true).divi(Math.sqrt(bias2)).addi(eps);
    p.subi(m.flat().div(denom).muli(lr / bias1));
  }

  @Override
  public void reset() {
    t = 0;
    m.flat().assign(0);
    v.flat().assign(0);
  }
}
