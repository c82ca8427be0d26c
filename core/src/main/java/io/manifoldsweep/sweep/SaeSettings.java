package io.manifoldsweep.sweep;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobTrees;
import io.manifoldsweep.knob.KnobType;
import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.model.ModelSpec;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Settings of the sparse-autoencoder analysis (method section 8): the {@code sae:} section of a
 * sweep file. They belong to the analysis, never to a cell: changing them re-analyses and never
 * retrains. One SAE is trained per cell, checkpoint, layer, width and k.
 */
public final class SaeSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final KnobSection KNOBS =
      new KnobSection(
          "sae",
          "The sparse-autoencoder analysis (method section 8): analysis settings, never part of a cell's id; changing"
              + " them re-analyses without retraining.");

  public static final Knob<List<Integer>> WIDTH =
      KNOBS
          .knob("width", KnobType.INTEGERS, List.of(256), "Latents per SAE; one SAE per width.")
          .check(l -> l.isEmpty() ? "needs at least one width" : null);
  public static final Knob<List<Integer>> K =
      KNOBS
          .knob(
              "k",
              KnobType.INTEGERS,
              List.of(4, 16),
              "Active latents per row (TopK); one SAE per k, each below every width.")
          .check(l -> l.isEmpty() ? "needs at least one k" : null);
  public static final Knob<Integer> STEPS =
      KNOBS.integer("steps", 3000, "Adam steps per SAE.").positive();
  public static final Knob<Double> LR = KNOBS.number("lr", 1e-3, "Adam learning rate.").positive();
  public static final Knob<Integer> BATCH_SIZE =
      KNOBS.integer("batch_size", 512, "Activation rows per step.").positive();
  public static final Knob<List<Integer>> LAYERS =
      KNOBS.knob(
          "layers",
          KnobType.INTEGERS_OR_ALL,
          List.of(),
          "Hooked layers (resid_post of each), or all.");
  public static final Knob<Integer> EXAMPLES =
      KNOBS.integer("examples", 2048, "Activation-set examples per marker count.").positive();
  public static final Knob<Integer> ABLATION_EXAMPLES =
      KNOBS
          .integer(
              "ablation_examples",
              512,
              "Of those, the examples per marker count that ablations are scored on.")
          .positive();
  public static final Knob<Long> DEAD_AFTER =
      KNOBS
          .longValue(
              "dead_after",
              0,
              "A latent that has not fired on this many of the last training rows is dead for the AuxK loss; 0: five"
                  + " passes over the activation set.")
          .nonNegative("must be >= 0 (0: five passes over the activation set)");
  public static final Knob<Double> MIN_ASSOCIATION =
      KNOBS
          .number(
              "min_association",
              0.3,
              "A latent whose best correlation ratio is below this is 'other'.")
          .check(v -> v >= 0 && v <= 1 ? null : "a correlation ratio lies in [0, 1]");
  public static final Knob<Long> SEED =
      KNOBS.longValue(
          "seed", 0, "Seed of the SAE initialisations, batch order and random latent sets.");

  /** Every setting at its default. */
  public static final SaeSettings DEFAULT = fromTree(null);

  private final KnobValues values;

  private SaeSettings(KnobValues values) {
    this.values = values;
    values.get(WIDTH).forEach(w -> ConfigException.requirePositive(WIDTH.key(), w));
    int narrowest = values.get(WIDTH).stream().mapToInt(Integer::intValue).min().orElseThrow();
    for (int k : values.get(K)) {
      ConfigException.requirePositive(K.key(), k);
      if (k >= narrowest) {
        throw new ConfigException(
            K.key(), k, "must be below every sae.width (the narrowest is " + narrowest + ")");
      }
    }
    for (int l : layers()) {
      if (l < 0) {
        throw new ConfigException(LAYERS.key(), l, "layers count from 0");
      }
    }
    if (ablationExamples() > examples()) {
      throw new ConfigException(
          ABLATION_EXAMPLES.key(),
          ablationExamples(),
          "must not exceed sae.examples=" + examples() + " (they are taken from that set)");
    }
  }

  /** Reads an {@code sae:} mapping; a missing one gives the defaults. */
  public static SaeSettings fromTree(Object node) {
    return new SaeSettings(
        KnobValues.read(node == null ? Map.of() : Map.of(KNOBS.name(), node), List.of(KNOBS)));
  }

  /**
   * From a YAML mapping of SAE settings, e.g. {@code {width: 32, k: 4, steps: 50}}; the rest
   * default.
   */
  public static SaeSettings parse(String yaml) {
    return new SaeSettings(KnobValues.parse(yaml, KNOBS));
  }

  /** These settings with those of an {@code sae:} mapping written over them. */
  public SaeSettings with(Map<String, Object> sae) {
    return fromTree(KnobTrees.merged(toTree(), sae));
  }

  public List<Integer> widths() {
    return values.get(WIDTH);
  }

  public List<Integer> ks() {
    return values.get(K);
  }

  public int steps() {
    return values.get(STEPS);
  }

  public double lr() {
    return values.get(LR);
  }

  public int batchSize() {
    return values.get(BATCH_SIZE);
  }

  /** The hooked layers; empty for every layer. */
  public List<Integer> layers() {
    return values.get(LAYERS);
  }

  public int examples() {
    return values.get(EXAMPLES);
  }

  public int ablationExamples() {
    return values.get(ABLATION_EXAMPLES);
  }

  public long deadAfter() {
    return values.get(DEAD_AFTER);
  }

  public double minAssociation() {
    return values.get(MIN_ASSOCIATION);
  }

  public long seed() {
    return values.get(SEED);
  }

  /** The hooked layers of a model: {@link #layers}, or all of them. */
  public List<Integer> layersOf(ModelSpec model) {
    if (layers().isEmpty()) {
      return IntStream.range(0, model.layers()).boxed().toList();
    }
    return layers();
  }

  /** Fails naming the key when a hooked layer does not exist in {@code model}. */
  public void validateFor(ModelSpec model, String where) {
    for (int l : layers()) {
      if (l >= model.layers()) {
        throw new ConfigException(
            LAYERS.key(),
            layers(),
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

  /**
   * Every setting with its YAML key, for the analysis tables' provenance and the results folder's
   * manifest.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> toTree() {
    return (Map<String, Object>) values.tree(List.of(KNOBS), k -> true).get(KNOBS.name());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SaeSettings other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return toTree().toString();
  }
}
