package io.manifoldsweep.train;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a run keeps its resume points. The sweep's store makes the records written so far durable
 * before it saves a point, so a point always covers exactly the records up to its step.
 */
public interface ResumeStore {
  /** A store that keeps nothing: the run always starts at step 0. */
  ResumeStore NONE =
      new ResumeStore() {
        @Override
        public Optional<ResumePoint> latest() {
          return Optional.empty();
        }

        @Override
        public void save(ResumePoint point) {}
      };

  /** The point to continue from, if an earlier attempt left one. */
  Optional<ResumePoint> latest() throws IOException;

  void save(ResumePoint point) throws IOException;
}
