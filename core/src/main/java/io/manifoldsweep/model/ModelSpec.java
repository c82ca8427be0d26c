package io.manifoldsweep.model;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.knob.YamlConfigLoader;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transformer's knobs (method section 2) and its shape: the model section, plus the token and
 * class counts the task gives it.
 */
public final class ModelSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final KnobSection KNOBS =
      new KnobSection("model", "The pre-LayerNorm transformer (method section 2).");

  public static final Knob<Integer> LAYERS =
      KNOBS.integer("layers", 5, "Transformer blocks.").positive();
  public static final Knob<Integer> D_MODEL =
      KNOBS.integer("d_model", 128, "Residual width; a multiple of heads.").positive();
  public static final Knob<Integer> HEADS =
      KNOBS.integer("heads", 4, "Attention heads per block.").positive();
  public static final Knob<Boolean> MLP =
      KNOBS.bool("mlp", false, "Whether each block has a GELU MLP after its attention.");
  public static final Knob<Integer> D_MLP =
      KNOBS.integer("d_mlp", 512, "Hidden width of that MLP.").positive();
  public static final Knob<AttentionMask> ATTENTION =
      KNOBS
          .choice(
              "attention",
              AttentionMask.class,
              AttentionMask.CAUSAL,
              "causal: each query sees the keys up to its position; bidirectional: every key.")
          .identity(Knob.Identity.UNLESS_DEFAULT);
  public static final Knob<Readout> READOUT =
      KNOBS
          .choice(
              "readout",
              Readout.class,
              Readout.LAST,
              "The position whose final residual stream feeds ln_f and the head.")
          .identity(Knob.Identity.UNLESS_DEFAULT);
  public static final Knob<InitScheme> INIT =
      KNOBS
          .choice(
              "init",
              InitScheme.class,
              InitScheme.DEFAULT,
              "default: PyTorch's per-tensor defaults; encoder: what nn.TransformerEncoder gives, every layer a copy"
                  + " of layer 0.")
          .identity(Knob.Identity.UNLESS_DEFAULT);

  private final int vocab;
  private final int seqLen;
  private final int classes;
  private final KnobValues values;

  /**
   * @param vocab token ids (from the task)
   * @param seqLen positions (from the task)
   * @param classes output classes (from the task)
   * @param values holding (at least) the model section
   */
  public ModelSpec(int vocab, int seqLen, int classes, KnobValues values) {
    this.vocab = ConfigException.requirePositive("model.vocab", vocab);
    this.seqLen = ConfigException.requirePositive("model.seq_len", seqLen);
    if (classes < 2) {
      throw new ConfigException("model.classes", classes, "must be at least 2");
    }
    this.classes = classes;
    this.values = values;
    if (dModel() % heads() != 0) {
      throw new ConfigException("model.d_model", dModel(), "is not divisible by heads=" + heads());
    }
  }

  /**
   * A model from one YAML mapping of its shape ({@code vocab}, {@code seq_len}, {@code classes})
   * and model knobs, e.g. {@code {vocab: 24, seq_len: 7, classes: 5, layers: 2, d_model: 8}}: how
   * tests name the models they build.
   */
  public static ModelSpec parse(String yaml) {
    Map<String, Object> tree = new LinkedHashMap<>(YamlConfigLoader.load(yaml, "model"));
    int[] shape = new int[3];
    List<String> shapeKeys = List.of("vocab", "seq_len", "modulus");
    for (int i = 0; i < 3; i++) {
      Object v = tree.remove(shapeKeys.get(i));
      if (!(v instanceof Integer n)) {
        throw new ConfigException(
            "model." + shapeKeys.get(i),
            ConfigException.describe(v),
            "a model's shape needs this integer");
      }
      shape[i] = n;
    }
    return new ModelSpec(
        shape[0], shape[1], shape[2], KnobValues.read(Map.of(KNOBS.name(), tree), List.of(KNOBS)));
  }

  public int vocab() {
    return vocab;
  }

  public int seqLen() {
    return seqLen;
  }

  public int classes() {
    return classes;
  }

  public int layers() {
    return values.get(LAYERS);
  }

  public int dModel() {
    return values.get(D_MODEL);
  }

  public int heads() {
    return values.get(HEADS);
  }

  public boolean mlp() {
    return values.get(MLP);
  }

  public int dMlp() {
    return values.get(D_MLP);
  }

  public AttentionMask attention() {
    return values.get(ATTENTION);
  }

  public Readout readout() {
    return values.get(READOUT);
  }

  /** The position the readout reads: the last or the first. */
  public int readoutPosition() {
    return readout() == Readout.LAST ? seqLen - 1 : 0;
  }

  public InitScheme init() {
    return values.get(INIT);
  }

  public int headDim() {
    return dModel() / heads();
  }

  @Override
  public String toString() {
    return "ModelSpec{vocab="
        + vocab
        + ", seq_len="
        + seqLen
        + ", classes="
        + classes
        + ", "
        + values
        + "}";
  }
}
