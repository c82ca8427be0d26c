package io.manifoldsweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The commands refuse, up front and saying what to do, a Java whose Hadoop login cannot work. */
class SupportedJavaTest {
  @Test
  void javaSeventeenToTwentyTwoRun() {
    assertThat(SupportedJava.problem(17, "/jdk17")).isEmpty();
    assertThat(SupportedJava.problem(21, "/jdk21")).isEmpty();
    assertThat(SupportedJava.problem(22, "/jdk22")).isEmpty();
  }

  @Test
  void javaTwentyThreeAndLaterAreRefusedNamingTheJvmAndTheFix() {
    assertThat(SupportedJava.problem(23, "/jdk23"))
        .hasValueSatisfying(p -> assertThat(p).contains("Java 23 (/jdk23)"));
    assertThat(SupportedJava.problem(25, "/usr/lib/jvm/temurin-25"))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains(
                        "Java 25 (/usr/lib/jvm/temurin-25)",
                        "getSubject is not supported",
                        "Java 17 or 21",
                        "PATH",
                        "JAVA_HOME"));
  }
}
