package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Only the platform the natives are built for trains; any other is named in the refusal. */
class NativePlatformTest {
  @Test
  void thePackagedPlatformHasNoProblem() {
    assertThat(NativePlatform.problem(NativePlatform.PACKAGED)).isEmpty();
  }

  @Test
  void anotherPlatformIsNamedWithTheFix() {
    assertThat(NativePlatform.problem("linux-arm64"))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains(
                        "runs on linux-arm64",
                        "for linux-x86_64 only",
                        "Linux x86-64 machine, VM or container",
                        "every executor"));
    assertThat(NativePlatform.problem("macosx-arm64"))
        .hasValueSatisfying(p -> assertThat(p).contains("runs on macosx-arm64"));
  }

  @Test
  void requireThrowsTheProblemOnAnotherPlatformOnly() {
    NativePlatform.require(NativePlatform.PACKAGED);
    assertThatThrownBy(() -> NativePlatform.require("macosx-arm64"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(NativePlatform.problem("macosx-arm64").orElseThrow());
  }
}
