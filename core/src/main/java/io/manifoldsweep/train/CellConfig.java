package io.manifoldsweep.train;

import static io.manifoldsweep.ConfigException.describe;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.intervene.InterventionSpec;
import io.manifoldsweep.knob.CanonicalJson;
import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobTrees;
import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.knob.YamlConfigLoader;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.task.TaskKind;
import io.manifoldsweep.task.TaskSpec;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Everything one training run depends on: one cell of a sweep, every knob resolved and checked. Its
 * {@link #tree} is the cell's complete provenance; its id hashes the knobs that define what it
 * trains.
 */
public final class CellConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The sections of a cell's knobs, in the order the reference and the runs columns list them. */
  public static final List<KnobSection> SECTIONS =
      List.of(
          TaskSpec.KNOBS,
          ModelSpec.KNOBS,
          TrainSpec.KNOBS,
          RecordSpec.KNOBS,
          InterventionSpec.KNOBS);

  private final KnobValues values;
  private final TaskSpec task;
  private final ModelSpec model;
  private final TrainSpec train;
  private final RecordSpec record;
  private final InterventionSpec intervention;

  private CellConfig(KnobValues values) {
    this.values = values;
    this.task = new TaskSpec(values);
    this.model = new ModelSpec(task.vocab(), task.seqLen(), task.modulus(), values);
    this.train = new TrainSpec(values);
    this.record = new RecordSpec(values);
    this.intervention = new InterventionSpec(values);
    try {
      record.checkpoints().steps(train.steps());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          RecordSpec.CHECKPOINTS.key(), record.checkpoints().points(), e.getMessage());
    }
    if (train.fullBatch() && task.kind() != TaskKind.MODULAR) {
      throw new ConfigException(
          TrainSpec.BATCH_SIZE.key(),
          "'full'",
          "only the modular task has a train split to train on whole");
    }
    if (!intervention.none()) {
      checkIntervention();
    }
  }

  /** What an intervention needs of the rest of the cell (method 9.4). */
  private void checkIntervention() {
    if (intervention.start() >= train.steps()) {
      throw new ConfigException(
          InterventionSpec.START.key(),
          intervention.start(),
          "changes nothing: the run has train.steps=" + train.steps());
    }
    int snapshots =
        train.steps() / record.snapshotEvery()
            + (train.steps() % record.snapshotEvery() == 0 ? 1 : 2);
    if (intervention.basis() == InterventionSpec.Basis.REFERENCE
        && intervention.components() > snapshots - 1) {
      throw new ConfigException(
          InterventionSpec.COMPONENTS.key(),
          intervention.components(),
          "the reference run snapshots each attention matrix at most "
              + snapshots
              + " times (train.steps / record.snapshot_every + 1), which span at most "
              + (snapshots - 1)
              + " directions");
    }
    if (intervention.components() > model.dModel() * model.dModel()) {
      throw new ConfigException(
          InterventionSpec.COMPONENTS.key(),
          intervention.components(),
          "an attention matrix has " + model.dModel() * model.dModel() + " coordinates");
    }
    if (intervention.kind() == InterventionSpec.Kind.KICK && record.commutatorEvery() == 0) {
      throw new ConfigException(
          InterventionSpec.KIND.key(),
          "'kick'",
          "a kick's size is that of the commutator probe's step: set record.commutator_every > 0");
    }
    if (intervention.kind() == InterventionSpec.Kind.PROJECT
        && intervention.target() == InterventionSpec.Target.UPDATE
        && train.optimizer().kind() != io.manifoldsweep.optim.OptimizerSpec.Kind.ADAMW) {
      throw new ConfigException(
          InterventionSpec.TARGET.key(),
          "'update'",
          "projects AdamW's update: needs train.optimizer=adamw");
    }
  }

  /**
   * A cell from a config tree of sections (no grid axes left): missing knobs take their defaults.
   */
  public static CellConfig fromTree(Map<String, Object> root) {
    for (Map.Entry<String, Object> e : root.entrySet()) {
      if (SECTIONS.stream().noneMatch(s -> s.name().equals(e.getKey()))) {
        throw new ConfigException(
            e.getKey(),
            describe(e.getValue()),
            "unknown key (expected one of "
                + String.join(", ", SECTIONS.stream().map(KnobSection::name).toList())
                + ")");
      }
    }
    return new CellConfig(KnobValues.read(root, SECTIONS));
  }

  /** A cell from YAML sections, e.g. {@code "model: {layers: 2}\ntrain: {steps: 100}"}. */
  public static CellConfig parse(String yaml) {
    return fromTree(yaml.isBlank() ? Map.of() : YamlConfigLoader.load(yaml, "cell"));
  }

  /** The cell a sweep file of only a name defines: every knob at its default. */
  public static CellConfig defaults() {
    return fromTree(Map.of());
  }

  /** A cell read back from its {@link #json}, as the runs table stores it. */
  public static CellConfig fromJson(String json) {
    return fromTree(CanonicalJson.parse(json));
  }

  /** This cell with one knob changed, checked as a sweep file's cell is. */
  public <T> CellConfig with(Knob<T> knob, T value) {
    Object nested = knob.type().write(value);
    String[] path = knob.key().split("\\.");
    for (int i = path.length - 1; i > 0; i--) {
      nested = Map.of(path[i], nested);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> section = (Map<String, Object>) nested;
    return with(Map.of(path[0], section));
  }

  /**
   * This cell with the knobs that {@code yaml} sections set changed, e.g. {@code "train: {steps:
   * 100}\nmodel: {mlp: true}"}; a group's mapping replaces only the keys it names.
   */
  public CellConfig with(String yaml) {
    return with(YamlConfigLoader.load(yaml, "cell"));
  }

  /** This cell with the knobs of a tree of sections changed, as {@link #with(String)}. */
  public CellConfig with(Map<String, Object> sections) {
    return fromTree(KnobTrees.merged(tree(), sections));
  }

  public KnobValues values() {
    return values;
  }

  public TaskSpec task() {
    return task;
  }

  public ModelSpec model() {
    return model;
  }

  public TrainSpec train() {
    return train;
  }

  public RecordSpec record() {
    return record;
  }

  public InterventionSpec intervention() {
    return intervention;
  }

  /** The cell an intervention needs as its reference: this one without the intervention. */
  public CellConfig reference() {
    Map<String, Object> tree = new java.util.LinkedHashMap<>(tree());
    tree.remove(InterventionSpec.KNOBS.name());
    return fromTree(tree);
  }

  /** Every knob of the cell, as a user writes it in YAML. */
  public Map<String, Object> tree() {
    return values.tree(SECTIONS, k -> true);
  }

  /** {@link #tree} as canonical JSON: the runs table's {@code config_json}. */
  public String json() {
    return CanonicalJson.of(tree());
  }

  /** The knobs that define what the cell trains: the input of its id. */
  public Map<String, Object> identityTree() {
    return values.tree(SECTIONS, this::inIdentity);
  }

  private boolean inIdentity(Knob<?> k) {
    return switch (k.identity()) {
      case ALWAYS -> true;
      case UNLESS_DEFAULT -> !values.isDefault(k);
      case NEVER -> false;
    };
  }

  /** The cell's id: the hash of its {@link #identityTree}. */
  public String cellId() {
    return CanonicalJson.hash(identityTree());
  }

  /**
   * What cells that differ only in their seeds share: the hash of the identity tree without them.
   */
  public String groupKey() {
    return CanonicalJson.hash(
        values.tree(
            SECTIONS, k -> inIdentity(k) && k != TrainSpec.INIT_SEED && k != TrainSpec.DATA_SEED));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CellConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return json();
  }
}
