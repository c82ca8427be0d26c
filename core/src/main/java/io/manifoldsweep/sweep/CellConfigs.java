package io.manifoldsweep.sweep;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.Operation;
import io.manifoldsweep.task.Sampling;
import io.manifoldsweep.task.Schedule;
import io.manifoldsweep.task.TaskSpec;
import io.manifoldsweep.train.CellConfig;
import io.manifoldsweep.train.Checkpoints;
import io.manifoldsweep.train.CommutatorVectors;
import io.manifoldsweep.train.RecordSpec;
import io.manifoldsweep.train.TrainSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts between a config tree (maps from YAML or JSON, no grid axes left) and a {@link
 * CellConfig}. Missing keys take the documented defaults; {@link #toTree} writes every key, so the
 * tree of a resolved cell is its complete provenance, and {@link #identityTree} is the input of its
 * id.
 */
public final class CellConfigs {
  private CellConfigs() {}

  public static CellConfig fromTree(Map<String, Object> root) {
    ConfigReader r = new ConfigReader("", root).onlyKeys("task", "model", "train", "record");
    TaskSpec task = task(r.section("task"));
    ConfigReader m = r.section("model").onlyKeys("layers", "d_model", "heads", "mlp", "d_mlp");
    ModelSpec model =
        CellConfig.modelFor(
            task,
            m.integer("layers", 5),
            m.integer("d_model", 128),
            m.integer("heads", 4),
            m.bool("mlp", false),
            m.integer("d_mlp", 512));
    TrainSpec train = train(r.section("train"));
    RecordSpec record = record(r.section("record"));
    return new CellConfig(task, model, train, record);
  }

  private static TaskSpec task(ConfigReader t) {
    t.onlyKeys(
        "vocab",
        "modulus",
        "seq_len",
        "markers",
        "schedule",
        "operation",
        "marker_base",
        "distractor_values",
        "sampling");
    TaskSpec d = TaskSpec.DEFAULT;
    int mMin = d.markersMin();
    int mMax = d.markersMax();
    Object markers = t.raw("markers");
    if (markers instanceof Map) {
      ConfigReader mr = ConfigReader.of(t.key("markers"), markers).onlyKeys("min", "max");
      mMin = mr.integer("min", mMin);
      mMax = mr.integer("max", mMax);
    } else if (markers instanceof Integer fixed) {
      mMin = fixed;
      mMax = fixed;
    } else if (markers != null) {
      throw new ConfigException(
          t.key("markers"),
          ConfigReader.describe(markers),
          "must be an integer or {min: a, max: b}");
    }
    TaskSpec spec =
        new TaskSpec(
            t.integer("vocab", d.vocab()),
            t.integer("modulus", d.modulus()),
            t.integer("seq_len", d.seqLen()),
            mMin,
            mMax,
            t.choice("schedule", Schedule.class, d.schedule()),
            t.choice("operation", Operation.class, d.operation()),
            t.integer("marker_base", d.markerBase()),
            t.bool("distractor_values", d.distractorValues()),
            t.choice("sampling", Sampling.class, d.sampling()));
    return spec;
  }

  private static TrainSpec train(ConfigReader t) {
    t.onlyKeys(
        "steps",
        "batch_size",
        "optimizer",
        "lr",
        "weight_decay",
        "momentum",
        "beta1",
        "beta2",
        "eps",
        "reset_optimizer_per_stage",
        "init_seed",
        "data_seed",
        "eval_seed",
        "precision");
    OptimizerSpec d = OptimizerSpec.DEFAULT;
    OptimizerSpec opt =
        new OptimizerSpec(
            t.choice("optimizer", OptimizerSpec.Kind.class, d.kind()),
            t.number("lr", d.lr()),
            t.number("weight_decay", d.weightDecay()),
            t.number("momentum", d.momentum()),
            t.number("beta1", d.beta1()),
            t.number("beta2", d.beta2()),
            t.number("eps", d.eps()));
    TrainSpec spec =
        new TrainSpec(
            t.integer("steps", 20000),
            t.integer("batch_size", 128),
            opt,
            t.bool("reset_optimizer_per_stage", false),
            t.longValue("init_seed", 0),
            t.longValue("data_seed", 0),
            t.longValue("eval_seed", TrainSpec.DEFAULT_EVAL_SEED),
            t.choice("precision", Precision.class, Precision.FLOAT32));
    return spec;
  }

  private static RecordSpec record(ConfigReader t) {
    t.onlyKeys(
        "snapshot_every",
        "eval_every",
        "eval_examples",
        "probe_examples",
        "commutator_every",
        "commutator_pairs",
        "commutator_eta",
        "commutator_vectors",
        "full_params",
        "checkpoints",
        "resume_every");
    RecordSpec d = RecordSpec.DEFAULT;
    RecordSpec spec =
        new RecordSpec(
            t.integer("snapshot_every", d.snapshotEvery()),
            t.integer("eval_every", d.evalEvery()),
            t.integer("eval_examples", d.evalExamples()),
            t.integer("probe_examples", d.probeExamples()),
            t.integer("commutator_every", d.commutatorEvery()),
            t.integer("commutator_pairs", d.commutatorPairs()),
            t.number("commutator_eta", d.commutatorEta()),
            t.choice("commutator_vectors", CommutatorVectors.class, d.commutatorVectors()),
            t.bool("full_params", d.fullParams()),
            checkpoints(t),
            t.integer("resume_every", d.resumeEvery()));
    return spec;
  }

  private static Checkpoints checkpoints(ConfigReader t) {
    Object v = t.raw("checkpoints");
    if (v == null) {
      return Checkpoints.DEFAULT;
    }
    if (!(v instanceof List<?> list)) {
      throw new ConfigException(
          t.key("checkpoints"),
          ConfigReader.describe(v),
          "must be a list of fractions and steps, e.g. [0.1, 0.4, 0.9]; [] for none");
    }
    List<Number> points = new ArrayList<>();
    for (Object p : list) {
      if (!(p instanceof Number n) || p instanceof java.math.BigInteger) {
        throw new ConfigException(
            t.key("checkpoints"),
            list,
            "each entry must be a fraction like 0.4 or a step like 2000, got "
                + ConfigReader.describe(p));
      }
      points.add(n);
    }
    return new Checkpoints(points);
  }

  /**
   * The knobs of {@link #toTree} that change nothing a run trains or its records hold, and so stay
   * out of a cell's id and its seed-group key: a results folder written before one of them existed
   * still resumes, and changing one never retrains a cell.
   */
  private static final List<String> OUTSIDE_IDENTITY = List.of("checkpoints", "resume_every");

  /** {@link #toTree} without the knobs that do not define the cell: the input of its id. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> identityTree(CellConfig c) {
    Map<String, Object> tree = toTree(c);
    Map<String, Object> record = (Map<String, Object>) tree.get("record");
    OUTSIDE_IDENTITY.forEach(record::remove);
    return tree;
  }

  /** Every knob of the cell, in a fixed order, with the enum labels a user writes in YAML. */
  public static Map<String, Object> toTree(CellConfig c) {
    Map<String, Object> root = new LinkedHashMap<>();
    TaskSpec t = c.task();
    Map<String, Object> markers = new LinkedHashMap<>();
    markers.put("min", t.markersMin());
    markers.put("max", t.markersMax());
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("vocab", t.vocab());
    task.put("modulus", t.modulus());
    task.put("seq_len", t.seqLen());
    task.put("markers", markers);
    task.put("schedule", label(t.schedule()));
    task.put("operation", label(t.operation()));
    task.put("marker_base", t.markerBase());
    task.put("distractor_values", t.distractorValues());
    task.put("sampling", label(t.sampling()));
    root.put("task", task);
    ModelSpec m = c.model();
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("layers", m.layers());
    model.put("d_model", m.dModel());
    model.put("heads", m.heads());
    model.put("mlp", m.mlp());
    model.put("d_mlp", m.dMlp());
    root.put("model", model);
    TrainSpec tr = c.train();
    Map<String, Object> train = new LinkedHashMap<>();
    train.put("steps", tr.steps());
    train.put("batch_size", tr.batchSize());
    train.put("optimizer", label(tr.optimizer().kind()));
    train.put("lr", tr.optimizer().lr());
    train.put("weight_decay", tr.optimizer().weightDecay());
    train.put("momentum", tr.optimizer().momentum());
    train.put("beta1", tr.optimizer().beta1());
    train.put("beta2", tr.optimizer().beta2());
    train.put("eps", tr.optimizer().eps());
    train.put("reset_optimizer_per_stage", tr.resetOptimizerPerStage());
    train.put("init_seed", tr.initSeed());
    train.put("data_seed", tr.dataSeed());
    train.put("eval_seed", tr.evalSeed());
    train.put("precision", label(tr.precision()));
    root.put("train", train);
    RecordSpec r = c.record();
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("snapshot_every", r.snapshotEvery());
    record.put("eval_every", r.evalEvery());
    record.put("eval_examples", r.evalExamples());
    record.put("probe_examples", r.probeExamples());
    record.put("commutator_every", r.commutatorEvery());
    record.put("commutator_pairs", r.commutatorPairs());
    record.put("commutator_eta", r.commutatorEta());
    record.put("commutator_vectors", label(r.commutatorVectors()));
    record.put("full_params", r.fullParams());
    record.put("checkpoints", r.checkpoints().points());
    record.put("resume_every", r.resumeEvery());
    root.put("record", record);
    return root;
  }

  static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
