package io.manifoldsweep.task;

/**
 * A batch of examples, row-major {@code [size][seqLen]}. {@code roles} says for every position
 * whether it holds a distractor, a marker or a value, which the attention statistics need.
 */
public record Batch(
    int size, int seqLen, int[] tokens, int[] labels, int[] markerCounts, byte[] roles) {
  public static final byte DISTRACTOR = 0;
  public static final byte MARKER = 1;
  public static final byte VALUE = 2;

  public int token(int example, int position) {
    return tokens[example * seqLen + position];
  }

  public byte role(int example, int position) {
    return roles[example * seqLen + position];
  }

  /** The listed examples, in that order, as a batch of their own. */
  public Batch select(int[] examples) {
    int[] tok = new int[examples.length * seqLen];
    byte[] rol = new byte[examples.length * seqLen];
    int[] lab = new int[examples.length];
    int[] cnt = new int[examples.length];
    for (int i = 0; i < examples.length; i++) {
      int e = examples[i];
      System.arraycopy(tokens, e * seqLen, tok, i * seqLen, seqLen);
      System.arraycopy(roles, e * seqLen, rol, i * seqLen, seqLen);
      lab[i] = labels[e];
      cnt[i] = markerCounts[e];
    }
    return new Batch(examples.length, seqLen, tok, lab, cnt, rol);
  }

  /** Examples {@code from .. to-1} as a batch of their own. */
  public Batch slice(int from, int to) {
    int a = from * seqLen;
    int b = to * seqLen;
    return new Batch(
        to - from,
        seqLen,
        java.util.Arrays.copyOfRange(tokens, a, b),
        java.util.Arrays.copyOfRange(labels, from, to),
        java.util.Arrays.copyOfRange(markerCounts, from, to),
        java.util.Arrays.copyOfRange(roles, a, b));
  }
}
