package io.manifoldsweep.optim;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code torch.optim.SGD}: coupled weight decay, momentum buffer seeded with the first gradient.
 */
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

  @Override
  public State state() {
    return new State(0, started, buffer == null ? List.of() : List.of(buffer.toDoubleArray()));
  }

  @Override
  public void restore(State state) {
    if (state.vectors().size() != (buffer == null ? 0 : 1)) {
      throw new IllegalArgumentException(
          "this SGD's state holds "
              + (buffer == null ? 0 : 1)
              + " vectors, got "
              + state.vectors().size());
    }
    started = state.started();
    if (buffer != null) {
      buffer.assign(state.vectors().get(0));
    }
  }
}
