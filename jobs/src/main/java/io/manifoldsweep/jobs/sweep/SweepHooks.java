package io.manifoldsweep.jobs.sweep;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * Fault injection for tests only (no command-line flag reaches it). {@code failFirstAttemptOf}: the
 * first attempt of each named cell moves its data files into place and then dies before writing its
 * runs row, the worst moment for a retry. {@code killFirstAttemptAt}: the first attempt of each
 * named cell dies when it reaches the given step, with records written past its last resume point.
 * {@code failEveryAttemptOf}: every attempt of each named cell throws as it starts training, with a
 * message of two lines, so that the last one records the cell as failed.
 */
public record SweepHooks(
    Set<String> failFirstAttemptOf,
    Map<String, Long> killFirstAttemptAt,
    Set<String> failEveryAttemptOf)
    implements Serializable {
  public static final SweepHooks NONE = new SweepHooks(Set.of(), Map.of(), Set.of());
}
