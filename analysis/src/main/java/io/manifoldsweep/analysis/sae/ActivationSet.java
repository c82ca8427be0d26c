package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed examples the SAE analysis hooks (method section 8): {@code perM} examples for every
 * marker count from the eval seed's own stream, in m order, and the task variables of every row
 * (one row per example and position, row {@code e*T + t}) that latents are associated with.
 */
public final class ActivationSet {
  /** The task variables, in the order of {@link #variable}. */
  public enum Variable {
    POSITION(Category.ROUTING),
    IS_MARKER(Category.ROUTING),
    IS_VALUE(Category.ROUTING),
    MARKER_INDEX(Category.ROUTING),
    VALUE(Category.EXECUTION),
    RUNNING_RESULT(Category.EXECUTION),
    LABEL(Category.EXECUTION),
    M(Category.OTHER);

    /** The latent category a latent whose best variable this is falls in. */
    public final Category category;

    Variable(Category category) {
      this.category = category;
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a latent encodes, by its best-associated variable (method section 8). */
  public enum Category {
    ROUTING,
    EXECUTION,
    OTHER;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Batch examples;
  private final int markersMin;
  private final int perM;

  /** variables[v][row]: the class of the row, -1 where the variable does not apply. */
  private final int[][] variables;

  private final int[] classes;

  private ActivationSet(
      Batch examples, int markersMin, int perM, int[][] variables, int[] classes) {
    this.examples = examples;
    this.markersMin = markersMin;
    this.perM = perM;
    this.variables = variables;
    this.classes = classes;
  }

  public static ActivationSet generate(TaskSpec spec, long evalSeed, int perM) {
    MarkerTask task = new MarkerTask(spec);
    List<Batch> parts = new ArrayList<>();
    for (int m = spec.markersMin(); m <= spec.markersMax(); m++) {
      parts.add(task.activationSet(evalSeed, m, perM));
    }
    Batch all = concat(parts);
    int t = all.seqLen();
    int rows = all.size() * t;
    int[][] vars = new int[Variable.values().length][rows];
    for (int e = 0; e < all.size(); e++) {
      int markerIndex = 0;
      int running = spec.operation().identity();
      for (int p = 0; p < t; p++) {
        int r = e * t + p;
        byte role = all.role(e, p);
        int token = all.token(e, p);
        vars[Variable.POSITION.ordinal()][r] = p;
        vars[Variable.IS_MARKER.ordinal()][r] = role == Batch.MARKER ? 1 : 0;
        vars[Variable.IS_VALUE.ordinal()][r] = role == Batch.VALUE ? 1 : 0;
        vars[Variable.MARKER_INDEX.ordinal()][r] = role == Batch.MARKER ? markerIndex++ : -1;
        vars[Variable.VALUE.ordinal()][r] = role == Batch.VALUE ? token : -1;
        if (role == Batch.VALUE) {
          running = spec.operation().combine(running, token, spec.modulus());
        }
        vars[Variable.RUNNING_RESULT.ordinal()][r] = running;
        vars[Variable.LABEL.ordinal()][r] = all.labels()[e];
        vars[Variable.M.ordinal()][r] = all.markerCounts()[e] - spec.markersMin();
      }
    }
    int[] classes = {
      t,
      2,
      2,
      spec.markersMax(),
      spec.modulus(),
      spec.modulus(),
      spec.modulus(),
      spec.markerCountChoices()
    };
    return new ActivationSet(all, spec.markersMin(), perM, vars, classes);
  }

  private static Batch concat(List<Batch> parts) {
    int t = parts.get(0).seqLen();
    int size = parts.stream().mapToInt(Batch::size).sum();
    int[] tokens = new int[size * t];
    int[] labels = new int[size];
    int[] counts = new int[size];
    byte[] roles = new byte[size * t];
    int at = 0;
    for (Batch b : parts) {
      System.arraycopy(b.tokens(), 0, tokens, at * t, b.size() * t);
      System.arraycopy(b.roles(), 0, roles, at * t, b.size() * t);
      System.arraycopy(b.labels(), 0, labels, at, b.size());
      System.arraycopy(b.markerCounts(), 0, counts, at, b.size());
      at += b.size();
    }
    return new Batch(size, t, tokens, labels, counts, roles);
  }

  /** Every example, m = min first. */
  public Batch examples() {
    return examples;
  }

  public int rows() {
    return examples.size() * examples.seqLen();
  }

  public int markersMin() {
    return markersMin;
  }

  public int markerCounts() {
    return examples.size() / perM;
  }

  /**
   * The class of {@code row} for {@code v}, or -1 where it does not apply (marker index off
   * markers, value off values).
   */
  public int variable(Variable v, int row) {
    return variables[v.ordinal()][row];
  }

  public int classes(Variable v) {
    return classes[v.ordinal()];
  }

  /**
   * The first {@code perM} examples of every marker count: the examples ablations are scored on.
   */
  public int[] ablationExamples(int count) {
    if (count > perM) {
      throw new IllegalArgumentException(
          "only " + perM + " examples per marker count, asked for " + count);
    }
    int[] out = new int[count * markerCounts()];
    for (int g = 0; g < markerCounts(); g++) {
      for (int i = 0; i < count; i++) {
        out[g * count + i] = g * perM + i;
      }
    }
    return out;
  }
}
