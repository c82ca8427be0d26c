package io.manifoldsweep.train;

import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.record.AttentionStats;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;

/**
 * Where the readout position looks: for every layer and head, the entropy of the last position's
 * attention row and the mass it puts on marker and on value positions, averaged over a fixed probe
 * batch per marker count.
 */
public final class AttentionProbe {
  private final Transformer model;
  private final ModelSpec spec;
  private final int markersMin;
  private final Batch[] probes;

  public AttentionProbe(Transformer model, MarkerTask task, long evalSeed, int examples) {
    this.model = model;
    this.spec = model.layout().spec();
    this.markersMin = task.spec().markersMin();
    this.probes = new Batch[task.spec().markerCountChoices()];
    for (int i = 0; i < probes.length; i++) {
      probes[i] = task.probeSet(evalSeed, markersMin + i, examples);
    }
  }

  public AttentionStats measure(Params params) {
    int layers = spec.layers();
    int heads = spec.heads();
    int t = spec.seqLen();
    double[][][] entropy = new double[probes.length][layers][heads];
    double[][][] marker = new double[probes.length][layers][heads];
    double[][][] value = new double[probes.length][layers][heads];
    for (int m = 0; m < probes.length; m++) {
      Batch batch = probes[m];
      int b = batch.size();
      for (int from = 0; from < b; from += Transformer.INFERENCE_SEQUENCES) {
        Batch chunk = batch.slice(from, Math.min(b, from + Transformer.INFERENCE_SEQUENCES));
        try (Workspaces.Scope ignored = Workspaces.open("probe")) {
          Transformer.Inference f = model.infer(params, chunk);
          for (int l = 0; l < layers; l++) {
            double[] rows = f.readoutAttention(l);
            for (int e = 0; e < chunk.size(); e++) {
              for (int h = 0; h < heads; h++) {
                int base = (e * heads + h) * t;
                double ent = 0;
                double mk = 0;
                double val = 0;
                for (int j = 0; j < t; j++) {
                  double a = rows[base + j];
                  if (a > 0) {
                    ent -= a * Math.log(a);
                  }
                  byte role = chunk.role(e, j);
                  if (role == Batch.MARKER) {
                    mk += a;
                  } else if (role == Batch.VALUE) {
                    val += a;
                  }
                }
                entropy[m][l][h] += ent / b;
                marker[m][l][h] += mk / b;
                value[m][l][h] += val / b;
              }
            }
          }
        }
      }
    }
    return new AttentionStats(markersMin, entropy, marker, value);
  }
}
