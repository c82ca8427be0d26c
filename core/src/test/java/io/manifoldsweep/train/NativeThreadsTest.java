package io.manifoldsweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeThreadsTest {
  @Test
  void severalThreadsWithoutAWaitPolicyAreToldToSetItPassive() {
    assertThat(NativeThreads.waitPolicyProblem(2, null)).hasValueSatisfying(p -> assertThat(p)
        .contains("2 native threads", "OMP_WAIT_POLICY=PASSIVE", "spark.executorEnv.OMP_WAIT_POLICY"));
  }

  @Test
  void oneThreadOrAPolicyTheUserChoseIsLeftAlone() {
    assertThat(NativeThreads.waitPolicyProblem(1, null)).isEmpty();
    assertThat(NativeThreads.waitPolicyProblem(4, "PASSIVE")).isEmpty();
    assertThat(NativeThreads.waitPolicyProblem(4, "ACTIVE")).isEmpty();
  }
}
