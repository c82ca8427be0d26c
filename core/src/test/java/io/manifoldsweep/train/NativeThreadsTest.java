package io.manifoldsweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeThreadsTest {
  @Test
  void theEnvironmentNamesTheNativeVariablesThatAreSetInAFixedOrderAndNothingElse() {
    assertThat(
            NativeThreads.environment(
                Map.of(
                    "OMP_WAIT_POLICY", "PASSIVE",
                    "PATH", "/bin",
                    "OPENBLAS_NUM_THREADS", "1",
                    "OMP_NUM_THREADS", "1")))
        .isEqualTo("OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE");
    assertThat(NativeThreads.environment(Map.of("PATH", "/bin"))).isEmpty();
  }

  @Test
  void anUnsetOrOtherOpenblasThreadCountIsNamedWithItsFix() {
    assertThat(NativeThreads.threadCountProblem(1, null))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains(
                        "OPENBLAS_NUM_THREADS is unset",
                        "set OPENBLAS_NUM_THREADS=1",
                        "spark.executorEnv.OPENBLAS_NUM_THREADS=1")
                    .doesNotContain("null"));
    assertThat(NativeThreads.threadCountProblem(2, "8"))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains(
                        "OPENBLAS_NUM_THREADS='8'",
                        "asked for 2 native thread(s)",
                        "set OPENBLAS_NUM_THREADS=2"));
  }

  @Test
  void anOpenblasThreadCountThatMatchesIsLeftAlone() {
    assertThat(NativeThreads.threadCountProblem(1, "1")).isEmpty();
    assertThat(NativeThreads.threadCountProblem(4, "4")).isEmpty();
  }

  @Test
  void severalThreadsWithoutAWaitPolicyAreToldToSetItPassive() {
    assertThat(NativeThreads.waitPolicyProblem(2, null))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains(
                        "2 native threads",
                        "OMP_WAIT_POLICY=PASSIVE",
                        "spark.executorEnv.OMP_WAIT_POLICY"));
  }

  @Test
  void oneThreadOrAPolicyTheUserChoseIsLeftAlone() {
    assertThat(NativeThreads.waitPolicyProblem(1, null)).isEmpty();
    assertThat(NativeThreads.waitPolicyProblem(4, "PASSIVE")).isEmpty();
    assertThat(NativeThreads.waitPolicyProblem(4, "ACTIVE")).isEmpty();
  }
}
