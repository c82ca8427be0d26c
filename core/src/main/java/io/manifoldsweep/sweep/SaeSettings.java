package io.manifoldsweep.sweep;

import static io.manifoldsweep.ConfigException.requirePositive;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Settings of the sparse-autoencoder analysis (DESIGN section 8): the {@code sae:} section of a
 * sweep file. They belong to the analysis, never to a cell: changing them re-analyses and never
 * retrains. One SAE is trained per cell, checkpoint, layer, width and k.
 *
 * @param widths latents per SAE, {@code sae.width} (default [256])
 * @param ks active latents per row, {@code sae.k} (default [4, 16]); each must be below every width
 * @param steps Adam steps per SAE (default 3000)
 * @param lr Adam learning rate (default 1e-3)
 * @param batchSize activation rows per step (default 512)
 * @param layers hooked layers ({@code resid_post} of each), empty for every layer (the default,
 *     {@code all})
 * @param examples activation-set examples per marker count (default 2048)
 * @param ablationExamples of those, the examples per marker count that ablations are scored on
 *     (default 512)
 * @param deadAfter a latent that has not fired on this many of the last training rows is dead for
 *     the AuxK loss; 0 (the default) means five passes over the activation set
 * @param minAssociation a latent whose best correlation ratio is below this is {@code other}
 *     (default 0.3)
 * @param seed seed of the SAE initialisations, batch order and random latent sets (default 0)
 */
public record SaeSettings(
    List<Integer> widths,
    List<Integer> ks,
    int steps,
    double lr,
    int batchSize,
    List<Integer> layers,
    int examples,
    int ablationExamples,
    long deadAfter,
    double minAssociation,
    long seed)
    implements java.io.Serializable {

  public static final SaeSettings DEFAULT =
      new SaeSettings(
          List.of(256), List.of(4, 16), 3000, 1e-3, 512, List.of(), 2048, 512, 0, 0.3, 0);

  private static final String[] KEYS = {
    "width",
    "k",
    "steps",
    "lr",
    "batch_size",
    "layers",
    "examples",
    "ablation_examples",
    "dead_after",
    "min_association",
    "seed"
  };

  public SaeSettings {
    widths = List.copyOf(widths);
    ks = List.copyOf(ks);
    layers = List.copyOf(layers);
    if (widths.isEmpty()) {
      throw new ConfigException("sae.width", widths, "needs at least one width");
    }
    if (ks.isEmpty()) {
      throw new ConfigException("sae.k", ks, "needs at least one k");
    }
    widths.forEach(w -> requirePositive("sae.width", w));
    int narrowest = widths.stream().mapToInt(Integer::intValue).min().orElseThrow();
    for (int k : ks) {
      requirePositive("sae.k", k);
      if (k >= narrowest) {
        throw new ConfigException(
            "sae.k", k, "must be below every sae.width (the narrowest is " + narrowest + ")");
      }
    }
    requirePositive("sae.steps", steps);
    requirePositive("sae.lr", lr);
    requirePositive("sae.batch_size", batchSize);
    for (int l : layers) {
      if (l < 0) {
        throw new ConfigException("sae.layers", l, "layers count from 0");
      }
    }
    requirePositive("sae.examples", examples);
    requirePositive("sae.ablation_examples", ablationExamples);
    if (ablationExamples > examples) {
      throw new ConfigException(
          "sae.ablation_examples",
          ablationExamples,
          "must not exceed sae.examples=" + examples + " (they are taken from that set)");
    }
    if (deadAfter < 0) {
      throw new ConfigException(
          "sae.dead_after", deadAfter, "must be >= 0 (0: five passes over the activation set)");
    }
    if (!(minAssociation >= 0 && minAssociation <= 1)) {
      throw new ConfigException(
          "sae.min_association", minAssociation, "a correlation ratio lies in [0, 1]");
    }
  }

  /** Reads an {@code sae:} mapping; a missing one gives the defaults. */
  public static SaeSettings fromTree(Object node) {
    ConfigReader r = ConfigReader.of("sae", node).onlyKeys(KEYS);
    SaeSettings d = DEFAULT;
    return new SaeSettings(
        integers(r, "width", d.widths()),
        integers(r, "k", d.ks()),
        r.integer("steps", d.steps()),
        r.number("lr", d.lr()),
        r.integer("batch_size", d.batchSize()),
        "all".equals(r.raw("layers")) ? List.of() : integers(r, "layers", d.layers()),
        r.integer("examples", d.examples()),
        r.integer("ablation_examples", d.ablationExamples()),
        r.longValue("dead_after", d.deadAfter()),
        r.number("min_association", d.minAssociation()),
        r.longValue("seed", d.seed()));
  }

  /** A single integer or a list of them. */
  private static List<Integer> integers(ConfigReader r, String key, List<Integer> dflt) {
    Object v = r.raw(key);
    if (v == null) {
      return dflt;
    }
    List<?> items = v instanceof List<?> l ? l : List.of(v);
    List<Integer> out = new ArrayList<>();
    for (Object o : items) {
      if (!(o instanceof Integer i)) {
        throw new ConfigException(
            r.key(key), ConfigReader.describe(v), "must be an integer or a list of integers");
      }
      out.add(i);
    }
    return out;
  }

  /** The hooked layers of a model: {@link #layers}, or all of them. */
  public List<Integer> layersOf(ModelSpec model) {
    if (layers.isEmpty()) {
      return java.util.stream.IntStream.range(0, model.layers()).boxed().toList();
    }
    return layers;
  }

  /** Fails naming the key when a hooked layer does not exist in {@code model}. */
  public void validateFor(ModelSpec model, String where) {
    for (int l : layers) {
      if (l >= model.layers()) {
        throw new ConfigException(
            "sae.layers",
            layers,
            "layer "
                + l
                + " does not exist in "
                + where
                + ", which has "
                + model.layers()
                + " layers");
      }
    }
  }

  /** Every setting with its YAML key, for the analysis tables' provenance. */
  public Map<String, Object> toTree() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("width", widths);
    m.put("k", ks);
    m.put("steps", steps);
    m.put("lr", lr);
    m.put("batch_size", batchSize);
    m.put("layers", layers.isEmpty() ? "all" : layers);
    m.put("examples", examples);
    m.put("ablation_examples", ablationExamples);
    m.put("dead_after", deadAfter);
    m.put("min_association", minAssociation);
    m.put("seed", seed);
    return m;
  }
}
