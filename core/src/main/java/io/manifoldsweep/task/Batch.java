package io.manifoldsweep.task;

/**
 * A batch of examples, row-major {@code [size][seqLen]}. {@code roles} says for every position
 * whether it holds a distractor, a marker or a value, which the attention statistics need.
 */
public record Batch(int size, int seqLen, int[] tokens, int[] labels, int[] markerCounts, byte[] roles) {
  public static final byte DISTRACTOR = 0;
  public static final byte MARKER = 1;
  public static final byte VALUE = 2;

  public int token(int example, int position) {
    return tokens[example * seqLen + position];
  }

  public byte role(int example, int position) {
    return roles[example * seqLen + position];
  }
}
