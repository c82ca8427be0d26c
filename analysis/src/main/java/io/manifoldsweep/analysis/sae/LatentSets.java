package io.manifoldsweep.analysis.sae;

import io.manifoldsweep.analysis.sae.ActivationSet.Category;
import io.manifoldsweep.analysis.sae.LatentAssociations.Latent;
import io.manifoldsweep.task.SplitMix64;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The latent sets that method section 8 ablates: the strongest-associated alive latents one at a
 * time, the top-n routing and execution latents, and random alive latents matched in firing
 * frequency to the execution set.
 */
public final class LatentSets {
  /** Latents ablated one at a time. */
  public static final int SINGLES = 16;

  /** Set sizes of the routing, execution and random sets. */
  public static final int[] SIZES = {1, 2, 4, 8};

  /** Random draws per size. */
  public static final int DRAWS = 10;

  /**
   * A random stand-in is drawn from this many alive latents nearest in firing frequency to the one
   * it replaces.
   */
  static final int NEIGHBOURS = 5;

  private LatentSets() {}

  /** Alive latents by decreasing association, ties to the lower index. */
  static List<Latent> byAssociation(Latent[] latents) {
    List<Latent> alive = new ArrayList<>();
    for (Latent l : latents) {
      if (l.alive()) {
        alive.add(l);
      }
    }
    alive.sort(
        Comparator.comparingDouble(Latent::association).reversed().thenComparingInt(Latent::index));
    return alive;
  }

  public static int[] singles(Latent[] latents) {
    return byAssociation(latents).stream().limit(SINGLES).mapToInt(Latent::index).toArray();
  }

  /**
   * The n latents of a category with the strongest associations (fewer when the category has
   * fewer).
   */
  public static int[] top(Latent[] latents, Category category, int n) {
    return byAssociation(latents).stream()
        .filter(l -> l.category() == category)
        .limit(n)
        .mapToInt(Latent::index)
        .toArray();
  }

  /**
   * As many alive latents as {@code target} holds, none of them in it: each stands in for one
   * target latent, drawn uniformly from the {@link #NEIGHBOURS} unused latents nearest to it in log
   * firing frequency, so the random set fires about as often as the target set.
   */
  public static int[] matchedRandom(Latent[] latents, int[] target, SplitMix64 rng) {
    Set<Integer> used = new HashSet<>();
    for (int t : target) {
      used.add(t);
    }
    int[] out = new int[target.length];
    int filled = 0;
    for (int t : target) {
      double logFreq = Math.log(latents[t].frequency());
      List<Latent> candidates = new ArrayList<>();
      for (Latent l : latents) {
        if (l.alive() && !used.contains(l.index())) {
          candidates.add(l);
        }
      }
      if (candidates.isEmpty()) {
        break;
      }
      candidates.sort(
          Comparator.comparingDouble((Latent l) -> Math.abs(Math.log(l.frequency()) - logFreq))
              .thenComparingInt(Latent::index));
      Latent pick = candidates.get(rng.nextInt(Math.min(NEIGHBOURS, candidates.size())));
      used.add(pick.index());
      out[filled++] = pick.index();
    }
    return Arrays.copyOf(out, filled);
  }
}
