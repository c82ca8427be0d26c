package io.manifoldsweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every {@code analysis-*.json} in the golden folder, matched to 1e-9 relative. */
class AnalysisGoldenTest {
  private static final double TOL = 1e-9;

  @TestFactory
  Stream<DynamicTest> matchesEveryGoldenAnalysis() throws IOException {
    Path dir = Path.of(System.getProperty("golden.dir", "../testdata/golden"));
    List<DynamicTest> tests = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "analysis-*.json")) {
      for (Path f : files) {
        JsonNode g = new ObjectMapper().readTree(f.toFile());
        String name = f.getFileName().toString();
        tests.add(
            DynamicTest.dynamicTest(
                name + " dimensions a",
                () -> checkDims(trajectory(g, "trajectory_a"), g.get("dims_a"))));
        tests.add(
            DynamicTest.dynamicTest(
                name + " dimensions b",
                () -> checkDims(trajectory(g, "trajectory_b"), g.get("dims_b"))));
        tests.add(DynamicTest.dynamicTest(name + " expanding r90", () -> checkTimeline(g)));
        tests.add(DynamicTest.dynamicTest(name + " principal angles", () -> checkAngles(g)));
        tests.add(DynamicTest.dynamicTest(name + " commutator", () -> checkCommutator(g)));
      }
    }
    assertThat(tests).as("golden analysis-*.json files in %s", dir).isNotEmpty();
    return tests.stream();
  }

  static double[][] trajectory(JsonNode g, String field) {
    JsonNode rows = g.get(field);
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[rows.get(i).size()];
      for (int j = 0; j < x[i].length; j++) {
        x[i][j] = rows.get(i).get(j).asDouble();
      }
    }
    return x;
  }

  private static void checkDims(double[][] x, JsonNode expected) {
    Spectrum s = Spectrum.ofCentredGram(Gram.centred(Gram.of(x), x.length));
    double[] evr = s.explainedVarianceRatio();
    JsonNode e = expected.get("explained_variance_ratio");
    assertThat(evr).hasSize(e.size());
    double tol = TOL;
    for (int i = 0; i < evr.length; i++) {
      assertThat(evr[i]).as("evr[%d]", i).isCloseTo(e.get(i).asDouble(), within(tol));
    }
    assertThat(s.componentsFor(0.90)).isEqualTo(expected.get("r90").asInt());
    assertThat(s.componentsFor(0.95)).isEqualTo(expected.get("r95").asInt());
    assertThat(s.componentsFor(0.99)).isEqualTo(expected.get("r99").asInt());
    assertThat(s.participationRatio())
        .isCloseTo(expected.get("participation_ratio").asDouble(), within(tol));
    assertThat(s.effectiveRank()).isCloseTo(expected.get("effective_rank").asDouble(), within(tol));
    assertThat(s.pc1()).isCloseTo(expected.get("pc1").asDouble(), within(tol));
  }

  private void checkTimeline(JsonNode g) {
    int[] r90 = DimensionTimeline.expandingR90(Gram.of(trajectory(g, "trajectory_a")));
    JsonNode e = g.get("expanding_r90_a_from_3_snapshots");
    assertThat(r90).hasSize(e.size());
    for (int i = 0; i < r90.length; i++) {
      assertThat(r90[i]).as("r90 of the first %d snapshots", i + 3).isEqualTo(e.get(i).asInt());
    }
  }

  private void checkAngles(JsonNode g) {
    int k = g.get("k").asInt();
    double[] cos =
        PrincipalAngles.cosines(basis(g, "trajectory_a", k), basis(g, "trajectory_b", k));
    JsonNode e = g.get("principal_cosines");
    for (int i = 0; i < k; i++) {
      assertThat(cos[i]).isCloseTo(e.get(i).asDouble(), within(TOL));
      assertThat(Math.acos(cos[i]))
          .isCloseTo(g.get("principal_angles_rad").get(i).asDouble(), within(1e-7));
    }
    assertThat(PrincipalAngles.meanSquare(cos))
        .isCloseTo(g.get("mean_cos2").asDouble(), within(TOL));
    assertThat(PrincipalAngles.randomMeanSquare(k, g.get("trajectory_a").get(0).size()))
        .isEqualTo(g.get("random_mean_cos2").asDouble());
  }

  private void checkCommutator(JsonNode g) {
    int k = g.get("k").asInt();
    JsonNode c = g.get("commutator");
    double[] delta = new double[c.get("delta").size()];
    double norm = 0;
    for (int i = 0; i < delta.length; i++) {
      double v = c.get("delta").get(i).asDouble();
      delta[i] = v;
      norm += v * v;
    }
    double rho =
        CommutatorAlignment.rho(
            List.<double[][]>of(basis(g, "trajectory_a", k)), List.of(delta), Math.sqrt(norm));
    assertThat(rho).isCloseTo(c.get("rho_exec").asDouble(), within(TOL));
    assertThat(CommutatorAlignment.perpendicularEnergy(rho))
        .isCloseTo(c.get("perp_energy_fraction").asDouble(), within(TOL));
    assertThat(CommutatorAlignment.expectedRandomRho(k, delta.length))
        .isCloseTo(c.get("random_rho_expected").asDouble(), within(TOL));
  }

  private static double[][] basis(JsonNode g, String field, int k) {
    double[][] x = trajectory(g, field);
    return PcaBasis.fit(x, Gram.of(x), x.length, k).directions();
  }
}
