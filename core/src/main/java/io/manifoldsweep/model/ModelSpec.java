package io.manifoldsweep.model;

import static io.manifoldsweep.ConfigException.requirePositive;

import io.manifoldsweep.ConfigException;

/**
 * Shape of the pre-LayerNorm transformer (DESIGN section 2).
 *
 * @param vocab token ids (from the task)
 * @param seqLen positions (from the task)
 * @param classes output classes, the task's modulus
 * @param layers number of blocks (default 5)
 * @param dModel residual width (default 128)
 * @param heads attention heads; must divide dModel (default 4)
 * @param mlp whether each block has a GELU MLP after attention (default false)
 * @param dMlp hidden width of that MLP (default 512)
 */
public record ModelSpec(
    int vocab, int seqLen, int classes, int layers, int dModel, int heads, boolean mlp, int dMlp) {

  public ModelSpec {
    requirePositive("model.vocab", vocab);
    requirePositive("model.seq_len", seqLen);
    requirePositive("model.layers", layers);
    requirePositive("model.d_model", dModel);
    requirePositive("model.heads", heads);
    requirePositive("model.d_mlp", dMlp);
    if (classes < 2) {
      throw new ConfigException("model.classes", classes, "must be at least 2");
    }
    if (dModel % heads != 0) {
      throw new ConfigException("model.d_model", dModel, "is not divisible by heads=" + heads);
    }
  }

  public int headDim() {
    return dModel / heads;
  }
}
