package io.manifoldsweep.train;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.TaskKind;
import java.util.Locale;

/**
 * What a cell needs in memory while it trains, from its config alone, so that a model that cannot
 * fit an executor is refused before any work starts rather than failing every task. The estimate
 * counts the parameter-sized vectors (weights, gradient, optimizer moments, commutator probes, host
 * copies) and the activations each pass keeps for reuse (training step, eval chunks, probes,
 * commutators); it leaves out what does not scale with the model (the JVM, Spark, Parquet buffers).
 */
public final class CellMemory {
  private CellMemory() {}

  /** Estimated bytes of one training cell. */
  public static double bytes(CellConfig c) {
    ModelSpec m = c.model();
    double params = ParamLayout.of(m).size();
    RecordSpec r = c.record();
    OptimizerSpec opt = c.train().optimizer();
    boolean intervened = !c.intervention().none();
    int copies =
        2
            + (opt.kind() == OptimizerSpec.Kind.ADAMW ? 2 : opt.momentum() > 0 ? 1 : 0)
            + (r.commutatorEvery() > 0 || intervened ? 6 : 0)
            + (intervened ? 2 : 0);
    // host-side doubles: the initialisation, a commutator's delta, snapshot and checkpoint copies,
    // and an intervention's update and projection
    double vectors = params * (copies * scalarBytes(c) + (intervened ? 56.0 : 24.0));
    double examples =
        c.task().kind() == TaskKind.MARKER
            ? (double) c.task().markerCountChoices() * (r.evalExamples() + r.probeExamples())
            : c.task().pairs();
    return vectors + activationBytes(c) + 4.0 * m.seqLen() * examples;
  }

  /**
   * Bytes of the activations that the cell's passes keep between steps for reuse (what {@link
   * io.manifoldsweep.kernel.Workspaces#pooledBytes} reports): the training step's forward and
   * backward, the commutator probe's, and one forward of {@link Transformer#INFERENCE_SEQUENCES}
   * sequences each for the eval and the attention probe.
   */
  static double activationBytes(CellConfig c) {
    ModelSpec m = c.model();
    RecordSpec r = c.record();
    int chunk = Transformer.INFERENCE_SEQUENCES;
    boolean marker = c.task().kind() == TaskKind.MARKER;
    int batch = c.train().fullBatch() ? c.task().trainPairs() : c.train().batchSize();
    double scalars =
        activations(m, batch, true) * (r.commutatorEvery() > 0 || !c.intervention().none() ? 2 : 1)
            + activations(
                m,
                marker ? Math.min(chunk, r.evalExamples()) : ModularRun.PASS_ROWS / m.seqLen(),
                false)
            + (marker ? activations(m, Math.min(chunk, r.probeExamples()), false) : 0);
    return scalars * scalarBytes(c);
  }

  private static int scalarBytes(CellConfig c) {
    return c.train().precision() == Precision.FLOAT64 ? 8 : 4;
  }

  /**
   * Scalars of the activations one pass over {@code batch} sequences keeps (with its gradients when
   * {@code backward}).
   */
  private static double activations(ModelSpec m, int batch, boolean backward) {
    double rows = (double) batch * m.seqLen();
    double perLayer = 7 * rows * m.dModel() + (double) batch * m.heads() * m.seqLen() * m.seqLen();
    if (m.mlp()) {
      perLayer += rows * m.dModel() + 3 * rows * m.dMlp();
    }
    return m.layers() * perLayer + (backward ? 6 * rows * m.dModel() : 0);
  }

  /**
   * Fails naming the model's knobs when a cell needs more than {@code available} bytes; {@code
   * where} says where that figure comes from (e.g. "spark.executor.memory=4g").
   */
  public static void check(CellConfig c, double available, String where, String cell) {
    double need = bytes(c);
    if (need > available) {
      ModelSpec m = c.model();
      throw new ConfigException(
          "model",
          "layers="
              + m.layers()
              + ", d_model="
              + m.dModel()
              + (m.mlp() ? ", d_mlp=" + m.dMlp() : "")
              + ", train.batch_size="
              + (c.train().fullBatch() ? "full" : c.train().batchSize()),
          cell
              + " needs about "
              + human(need)
              + " to train ("
              + String.format(Locale.ROOT, "%.3g", (double) ParamLayout.of(m).size())
              + " parameters), more than the "
              + human(available)
              + " of "
              + where
              + "; make the model smaller or give each cell more memory (a larger executor, or fewer cells on each)");
    }
  }

  static String human(double bytes) {
    String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (bytes >= 1024 && u < units.length - 1) {
      bytes /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
  }
}
