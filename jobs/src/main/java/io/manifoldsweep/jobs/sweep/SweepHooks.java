package io.manifoldsweep.jobs.sweep;

import java.io.Serializable;
import java.util.Set;

/**
 * Fault injection for tests only (no command-line flag reaches it): the first attempt of each named
 * cell moves its data files into place and then dies before writing its runs row, the worst moment
 * for a retry.
 */
public record SweepHooks(Set<String> failFirstAttemptOf) implements Serializable {
  public static final SweepHooks NONE = new SweepHooks(Set.of());
}
