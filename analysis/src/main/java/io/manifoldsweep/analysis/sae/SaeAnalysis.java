package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.analysis.sae.ActivationSet.Category;
import io.manifoldsweep.analysis.sae.LatentAssociations.Latent;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.RngStream;
import io.manifoldsweep.task.SplitMix64;
import io.manifoldsweep.train.CellConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * method section 8 for one cell: per (checkpoint, layer) the SAEs of every width and k with their
 * quality, latent associations and ablations ({@link #layer}); per checkpoint the weight-space
 * manifold ablation ({@link #manifold}). The model runs in the cell's precision on the checkpoint's
 * weights; SAEs train in float64.
 *
 * <p>Cost, canonical cell (d=128, 2048 examples per m): per SAE, {@code steps} training steps of
 * one dense [512 x 128] x [128 x n] product each, two passes of the remaining layers over the
 * activation set (splicing), and per ablated set one pass over the ablation examples that the set
 * changes; per checkpoint, one pass over them per manifold variant.
 */
public final class SaeAnalysis {
  /** Ablation modes: replace a latent by 0, or by its mean over the activation set. */
  public enum Mode {
    ZERO,
    MEAN;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Largest k of the manifold ablation (method: k = 1..4). */
  public static final int MANIFOLD_MAX_K = 4;

  /** Random direction draws per k. */
  public static final int MANIFOLD_RANDOM_DRAWS = 5;

  /**
   * One SAE's summary ({@code sae} table), with the seconds its training, quality metrics and
   * ablations took.
   */
  public record SaeRow(
      long step,
      int layer,
      int width,
      int k,
      SaeQuality quality,
      double finalLoss,
      double deadFraction,
      double trainSeconds,
      double qualitySeconds,
      double ablationSeconds) {}

  /**
   * One latent ({@code sae_latents} table); deltas (ablated minus clean) only for the ablated
   * singles.
   */
  public record LatentRow(
      long step,
      int layer,
      int width,
      int k,
      Latent latent,
      Double zeroAccDelta,
      Double zeroCeDelta,
      Double meanAccDelta,
      Double meanCeDelta) {}

  /** One ablated latent set ({@code sae_ablations} table). */
  public record AblationRow(
      long step,
      int layer,
      int width,
      int k,
      String kind,
      int n,
      int draw,
      Mode mode,
      int[] latents,
      Scores scores,
      Scores clean) {}

  /** One manifold-ablation variant ({@code manifold_ablation} table). */
  public record ManifoldRow(
      long step, int k, String directions, int draw, int removed, Scores scores, Scores clean) {}

  /** Everything one (checkpoint, layer) gives. */
  public record LayerResult(
      List<SaeRow> saes, List<LatentRow> latents, List<AblationRow> ablations) {}

  private SaeAnalysis() {}

  /** A stable 64-bit key of a cell id (16 hex digits), for seeding its SAEs. */
  static long key(String cellId) {
    return Long.parseUnsignedLong(cellId, 16);
  }

  public static LayerResult layer(
      CellConfig cell, String cellId, long step, float[] checkpoint, int layer, SaeSettings s) {
    ParamLayout layout = ParamLayout.of(cell.model());
    Transformer model = new Transformer(layout);
    Params params = params(cell, layout, checkpoint);
    ActivationSet set = ActivationSet.generate(cell.task(), cell.train().evalSeed(), s.examples());
    Batch examples = set.examples();
    HookedModel hooked = new HookedModel(model, params, layer);
    Activations x = hooked.activations(examples);
    double[] clean = hooked.logits(x.x(), 0, examples.size());
    double[] zero = hooked.logits(new double[x.x().length], 0, examples.size());
    int[] ablation = set.ablationExamples(s.ablationExamples());
    double[] cleanAblation = pick(clean, ablation, model.layout().spec().classes());
    Scores cleanScores =
        Scores.of(cleanAblation, hooked.classes(), examples, ablation, s.ablationExamples());
    List<SaeRow> saes = new ArrayList<>();
    List<LatentRow> latentRows = new ArrayList<>();
    List<AblationRow> ablations = new ArrayList<>();
    for (int width : s.widths()) {
      for (int k : s.ks()) {
        long t0 = System.nanoTime();
        SplitMix64 rng =
            RngStream.SAE_TRAINING.generator(s.seed(), key(cellId), step, layer, width, k);
        SaeTrainer.Trained trained = SaeTrainer.train(x, width, k, s, rng);
        TopKSae sae = trained.sae();
        long t1 = System.nanoTime();
        Codes codes = sae.encode(x.x(), 0, x.rows());
        SaeQuality quality = SaeQuality.measure(sae, x, codes, hooked, examples, clean, zero);
        long t2 = System.nanoTime();
        Latent[] latents = LatentAssociations.of(codes, set, width, s.minAssociation());
        LatentAblation ablate = new LatentAblation(sae, x, codes, hooked, examples.seqLen());
        Ablator run =
            (kind, n, draw, mode, set2) -> {
              double[] replacement = new double[set2.length];
              for (int i = 0; i < set2.length; i++) {
                replacement[i] = mode == Mode.MEAN ? latents[set2[i]].meanActivation() : 0;
              }
              Scores sc =
                  Scores.of(
                      ablate.logits(set2, replacement, ablation, clean),
                      hooked.classes(),
                      examples,
                      ablation,
                      s.ablationExamples());
              ablations.add(
                  new AblationRow(
                      step, layer, width, k, kind, n, draw, mode, set2, sc, cleanScores));
              return sc;
            };
        Double[][] deltas = new Double[width][4];
        for (int i : LatentSets.singles(latents)) {
          for (Mode mode : Mode.values()) {
            Scores sc = run.apply("single", 1, 0, mode, new int[] {i});
            deltas[i][2 * mode.ordinal()] = sc.acc() - cleanScores.acc();
            deltas[i][2 * mode.ordinal() + 1] = sc.ce() - cleanScores.ce();
          }
        }
        for (int n : LatentSets.SIZES) {
          int[] routing = LatentSets.top(latents, Category.ROUTING, n);
          if (routing.length == n) {
            run.apply("routing", n, 0, Mode.ZERO, routing);
          }
          int[] execution = LatentSets.top(latents, Category.EXECUTION, n);
          if (execution.length == n) {
            run.apply("execution", n, 0, Mode.ZERO, execution);
            SplitMix64 draws =
                RngStream.SAE_TRAINING.generator(s.seed(), key(cellId), step, layer, width, k, n);
            for (int draw = 0; draw < LatentSets.DRAWS; draw++) {
              int[] random = LatentSets.matchedRandom(latents, execution, draws);
              if (random.length == n) {
                run.apply("random", n, draw, Mode.ZERO, random);
              }
            }
          }
        }
        for (Latent l : latents) {
          Double[] dl = deltas[l.index()];
          latentRows.add(new LatentRow(step, layer, width, k, l, dl[0], dl[1], dl[2], dl[3]));
        }
        saes.add(
            new SaeRow(
                step,
                layer,
                width,
                k,
                quality,
                trained.finalLoss(),
                trained.deadFraction(),
                (t1 - t0) / 1e9,
                (t2 - t1) / 1e9,
                (System.nanoTime() - t2) / 1e9));
      }
    }
    return new LayerResult(saes, latentRows, ablations);
  }

  /**
   * The weight-space ablation at every checkpoint of a cell, given its attention blocks'
   * trajectories.
   */
  public static List<ManifoldRow> manifold(
      CellConfig cell,
      String cellId,
      Map<Long, float[]> checkpoints,
      Map<String, ManifoldAblation.BlockDirections> blocks,
      SaeSettings s) {
    ParamLayout layout = ParamLayout.of(cell.model());
    Transformer model = new Transformer(layout);
    ActivationSet set = ActivationSet.generate(cell.task(), cell.train().evalSeed(), s.examples());
    int[] ablation = set.ablationExamples(s.ablationExamples());
    Batch examples = set.examples().select(ablation);
    int[] local = java.util.stream.IntStream.range(0, ablation.length).toArray();
    int classes = cell.model().classes();
    ManifoldAblation manifold = new ManifoldAblation(layout, blocks);
    List<ManifoldRow> rows = new ArrayList<>();
    for (Map.Entry<Long, float[]> c : checkpoints.entrySet()) {
      long step = c.getKey();
      Params params = params(cell, layout, c.getValue());
      Scores clean =
          Scores.of(
              HookedModel.forwardLogits(model, params, examples),
              classes,
              examples,
              local,
              s.ablationExamples());
      rows.add(new ManifoldRow(step, 0, "none", 0, 0, clean, clean));
      double[] flat = widen(c.getValue());
      SplitMix64 rng = RngStream.SAE_TRAINING.generator(s.seed(), key(cellId), step, -1);
      Params ablated = Params.zeros(layout, cell.train().precision());
      manifold.forEach(
          flat,
          step,
          MANIFOLD_MAX_K,
          MANIFOLD_RANDOM_DRAWS,
          rng,
          v -> {
            ablated.assign(v.params());
            Scores sc =
                Scores.of(
                    HookedModel.forwardLogits(model, ablated, examples),
                    classes,
                    examples,
                    local,
                    s.ablationExamples());
            rows.add(
                new ManifoldRow(
                    step, v.k(), v.directions().label(), v.draw(), v.removed(), sc, clean));
          });
    }
    return rows;
  }

  private interface Ablator {
    Scores apply(String kind, int n, int draw, Mode mode, int[] latents);
  }

  private static Params params(CellConfig cell, ParamLayout layout, float[] checkpoint) {
    if (checkpoint.length != layout.size()) {
      throw new IllegalArgumentException(
          "a checkpoint of this cell's model holds "
              + layout.size()
              + " values, got "
              + checkpoint.length);
    }
    return Params.fromArray(layout, cell.train().precision(), widen(checkpoint));
  }

  private static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static double[] pick(double[] logits, int[] examples, int classes) {
    double[] out = new double[examples.length * classes];
    for (int i = 0; i < examples.length; i++) {
      System.arraycopy(logits, examples[i] * classes, out, i * classes, classes);
    }
    return out;
  }
}
