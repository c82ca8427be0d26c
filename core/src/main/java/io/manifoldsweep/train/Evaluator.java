package io.manifoldsweep.train;

import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.record.EvalResult;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;

/**
 * Accuracy and loss on fixed held-out sets, one per marker count, generated once from the eval seed
 * (the public code scored a single training-sized batch).
 */
public final class Evaluator {
  private final Transformer model;
  private final int markersMin;
  private final Batch[] sets;

  public Evaluator(Transformer model, MarkerTask task, long evalSeed, int examples) {
    this.model = model;
    this.markersMin = task.spec().markersMin();
    this.sets = new Batch[task.spec().markerCountChoices()];
    for (int i = 0; i < sets.length; i++) {
      sets[i] = task.evalSet(evalSeed, markersMin + i, examples);
    }
  }

  public EvalResult evaluate(Params params) {
    double[] acc = new double[sets.length];
    double[] loss = new double[sets.length];
    for (int i = 0; i < sets.length; i++) {
      Batch set = sets[i];
      double lossSum = 0;
      double correct = 0;
      for (int from = 0; from < set.size(); from += Transformer.INFERENCE_SEQUENCES) {
        Batch chunk = set.slice(from, Math.min(set.size(), from + Transformer.INFERENCE_SEQUENCES));
        try (Workspaces.Scope ignored = Workspaces.open("eval")) {
          double[] lc =
              Transformer.lossAndCorrect(model.infer(params, chunk).logits(), chunk.labels());
          lossSum += lc[0] * chunk.size();
          correct += lc[1];
        }
      }
      acc[i] = correct / set.size();
      loss[i] = lossSum / set.size();
    }
    return new EvalResult(markersMin, acc, loss, mean(acc), mean(loss));
  }

  private static double mean(double[] xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s / xs.length;
  }
}
