package io.manifoldsweep.optim;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code torch.optim.SGD}: coupled weight decay, momentum buffer seeded with the first gradient. */
final class Sgd implements Optimizer {
  private final double lr;
  private final double momentum;
  private final double weightDecay;
  private final Params buffer;
  private boolean started;

  Sgd(double lr, double momentum, double weightDecay, ParamLayout layout, Precision precision) {
    this.lr = lr;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.buffer = momentum > 0 ? Params.zeros(layout, precision) : null;
  }

  @Override
  public void step(Params params, Params grad) {
    INDArray p = params.flat();
    INDArray g = weightDecay > 0 ? grad.flat().add(p.mul(weightDecay)) : grad.flat();
    if (buffer != null) {
      INDArray buf = buffer.flat();
      if (started) {
        buf.muli(momentum).addi(g);
      } else {
        buf.assign(g);
        started = true;
      }
      g = buf;
    }
    p.subi(g.mul(lr));
  }

  @Override
  public void reset() {
    started = false;
    if (buffer != null) {
      buffer.flat().assign(0);
    }
  }
}
