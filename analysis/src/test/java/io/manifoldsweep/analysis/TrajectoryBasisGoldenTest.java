package io.manifoldsweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.manifoldsweep.intervene.Basis;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code grok-*.json}'s {@code trajectory_basis}: the reference basis built from a
 * trajectory, as the projector {@code B B^T} applied to a vector (B's signs are arbitrary, the
 * projector not).
 */
class TrajectoryBasisGoldenTest {
  @TestFactory
  Stream<DynamicTest> matchesEveryGoldenTrajectoryBasis() throws IOException {
    Path dir = Path.of(System.getProperty("golden.dir", "../testdata/golden"));
    List<DynamicTest> tests = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "grok-*.json")) {
      for (Path f : files) {
        if (f.getFileName().toString().startsWith("grok-analysis-")) {
          continue;
        }
        JsonNode g = new ObjectMapper().readTree(f.toFile());
        tests.add(DynamicTest.dynamicTest(f.getFileName() + " trajectory basis", () -> check(g)));
      }
    }
    assertThat(tests).as("golden grok-*.json files in %s", dir).isNotEmpty();
    return tests.stream();
  }

  private static void check(JsonNode g) {
    ObjectNode c = ((ObjectNode) g.get("config")).deepCopy();
    c.remove(List.of("prime", "operation", "equals_token"));
    ParamLayout layout = ParamLayout.of(ModelSpec.parse(c.toString()));
    JsonNode tb = g.get("trajectory_basis");
    double[][] trajectory = AnalysisGoldenTest.trajectory(tb, "trajectory");
    Map<String, double[][]> blocks = new LinkedHashMap<>();
    for (String block : layout.blockNames()) {
      ParamLayout.Entry e = layout.blockEntry(block);
      double[][] x = new double[trajectory.length][];
      for (int t = 0; t < x.length; t++) {
        x[t] =
            java.util.Arrays.copyOfRange(
                trajectory[t], (int) e.offset(), (int) (e.offset() + e.length()));
      }
      blocks.put(block, x);
    }
    Basis basis = TrajectoryBasis.of(layout, blocks, tb.get("components").asInt());
    double[] got = basis.project(GrokAnalysisGoldenTest.doubles(tb.get("vector")));
    double[] want = GrokAnalysisGoldenTest.doubles(tb.get("projected"));
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < want.length; i++) {
      diff += (got[i] - want[i]) * (got[i] - want[i]);
      norm += want[i] * want[i];
    }
    assertThat(Math.sqrt(diff))
        .as("B B^T vector, error relative to its norm")
        .isLessThanOrEqualTo(1e-9 * Math.sqrt(norm));
  }
}
