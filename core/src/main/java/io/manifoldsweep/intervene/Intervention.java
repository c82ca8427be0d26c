package io.manifoldsweep.intervene;

import io.manifoldsweep.kernel.HostView;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.record.InterventionStats;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An intervention at work in a run (method 9.4): the projection {@code P_s(x) = x - s (x - B B^T
 * x)} on the scope's coordinates, and kicks {@code theta += alpha |eta g_A| u} along a unit
 * direction outside B. Updates are counted from 1, update u producing step u: the first changed
 * update is update {@code start}, so a run is the same as its reference through step {@code start -
 * 1}.
 */
public final class Intervention {
  private final InterventionSpec spec;
  private final Basis basis;

  public Intervention(InterventionSpec spec, Basis basis) {
    this.spec = spec;
    this.basis = basis;
  }

  public InterventionSpec spec() {
    return spec;
  }

  public Basis basis() {
    return basis;
  }

  /** Whether update {@code update} is projected. */
  public boolean projects(long update) {
    return spec.kind() == InterventionSpec.Kind.PROJECT && update >= spec.start();
  }

  /** Whether the gradient of update {@code update} is projected (target gradient). */
  public boolean projectsGradient(long update) {
    return projects(update) && spec.target() == InterventionSpec.Target.GRADIENT;
  }

  /** Whether the optimizer's update {@code update} is projected (target update). */
  public boolean projectsUpdate(long update) {
    return projects(update) && spec.target() == InterventionSpec.Target.UPDATE;
  }

  /**
   * Whether a kick follows update {@code update}: at start and every {@code every} updates after.
   */
  public boolean kicksAfter(long update) {
    return spec.kind() == InterventionSpec.Kind.KICK
        && update >= spec.start()
        && (update - spec.start()) % spec.every() == 0;
  }

  /** {@code P_s} applied in place to a flat vector. */
  public void project(double[] x) {
    double s = spec.strength();
    double[] p = basis.project(x);
    if (spec.scope() == InterventionSpec.Scope.ALL) {
      for (int i = 0; i < x.length; i++) {
        x[i] -= s * (x[i] - p[i]);
      }
    } else {
      for (long[] r : basis.attentionRanges()) {
        for (int i = (int) r[0]; i < r[1]; i++) {
          x[i] -= s * (x[i] - p[i]);
        }
      }
    }
  }

  /** {@code P_s} applied in place to a parameter-sized vector (a gradient, an update). */
  public void project(Params v) {
    double[] x = read(v.flat());
    project(x);
    HostView.of(v.flat()).writeAll(x);
  }

  /**
   * The kick: {@code theta += alpha * stepNorm * u}, u the unit vector of {@code direction - B B^T
   * direction}; {@code stepNorm} is {@code |eta g_A|} of the commutator sample it was measured
   * with.
   */
  public void kick(Params theta, double[] direction, double stepNorm) {
    double[] p = basis.project(direction);
    double[] u = new double[direction.length];
    for (int i = 0; i < u.length; i++) {
      u[i] = direction[i] - p[i];
    }
    double norm = Basis.norm(u);
    if (norm == 0) {
      return;
    }
    double scale = spec.alpha() * stepNorm / norm;
    double[] t = read(theta.flat());
    for (int i = 0; i < t.length; i++) {
      t[i] += scale * u[i];
    }
    HostView.of(theta.flat()).writeAll(t);
  }

  /** The fraction of an update inside span(B) and the norms of the weights after it. */
  public InterventionStats stats(double[] update, Params after) {
    double[] t = read(after.flat());
    double attention = 0;
    double all = 0;
    for (double x : t) {
      all += x * x;
    }
    for (long[] r : basis.attentionRanges()) {
      for (int i = (int) r[0]; i < r[1]; i++) {
        attention += t[i] * t[i];
      }
    }
    return new InterventionStats(
        basis.fractionInSpan(update),
        Math.sqrt(attention),
        Math.sqrt(Math.max(0, all - attention)));
  }

  static double[] read(INDArray flat) {
    double[] x = new double[Math.toIntExact(flat.length())];
    HostView.of(flat).readAll(x);
    return x;
  }
}
