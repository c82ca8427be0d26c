package io.manifoldsweep.model;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scratch memory for one forward/backward pass. ND4J reuses a workspace's block when it is opened
 * again under the same name, so a training loop allocates activation memory once instead of every
 * step; without it the loop is several times slower and native memory grows without bound.
 */
public final class Workspaces {
  private static final WorkspaceConfiguration CONFIG =
      WorkspaceConfiguration.builder()
          .initialSize(0)
          .policyLearning(LearningPolicy.FIRST_LOOP)
          .policyAllocation(AllocationPolicy.OVERALLOCATE)
          .overallocationLimit(0.2)
          .policySpill(SpillPolicy.REALLOCATE)
          .build();

  private Workspaces() {}

  /** Opens (or re-enters) the named workspace on this thread; close it when the pass is done. */
  public static MemoryWorkspace open(String name) {
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, name);
  }
}
