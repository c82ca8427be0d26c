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

/** Every {@code grok-analysis-*.json}: the grokking metrics of method 9.5 and the lead fit. */
class GrokAnalysisGoldenTest {
  private static final double TOL = 1e-9;

  @TestFactory
  Stream<DynamicTest> matchesEveryGoldenGrokAnalysis() throws IOException {
    Path dir = Path.of(System.getProperty("golden.dir", "../testdata/golden"));
    List<DynamicTest> tests = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "grok-analysis-*.json")) {
      for (Path f : files) {
        JsonNode g = new ObjectMapper().readTree(f.toFile());
        String name = f.getFileName().toString();
        JsonNode series = g.get("series");
        tests.add(
            DynamicTest.dynamicTest(
                name + " cell",
                () ->
                    checkCell(
                        series,
                        series.get("test_accuracy"),
                        series.get("defect_median"),
                        g.get("settings"),
                        g.get("cell"))));
        if (g.has("never_grokked")) {
          JsonNode ng = g.get("never_grokked");
          tests.add(
              DynamicTest.dynamicTest(
                  name + " never grokked",
                  () ->
                      checkCell(
                          series,
                          ng.get("test_accuracy"),
                          ng.get("defect_median"),
                          g.get("settings"),
                          ng.get("cell"))));
        }
        tests.add(
            DynamicTest.dynamicTest(name + " lead scaling", () -> checkFit(g.get("lead_scaling"))));
      }
    }
    assertThat(tests).as("golden grok-analysis-*.json files in %s", dir).isNotEmpty();
    return tests.stream();
  }

  static Grokking.Thresholds thresholds(JsonNode s) {
    return new Grokking.Thresholds(
        s.get("memorization").asDouble(),
        s.get("grok").asDouble(),
        s.get("stop_accuracy").asDouble(),
        s.get("patience").asInt(),
        s.get("onset_factor").asDouble(),
        s.get("onset_floor").asDouble(),
        s.get("baseline_min").asDouble());
  }

  private static void checkCell(
      JsonNode series, JsonNode test, JsonNode defect, JsonNode settings, JsonNode expected) {
    long[] steps = longs(series.get("steps"));
    long[] defectSteps = series.has("defect_steps") ? longs(series.get("defect_steps")) : steps;
    Grokking.Metrics m =
        Grokking.of(
            steps,
            doubles(series.get("train_accuracy")),
            doubles(test),
            defectSteps,
            doubles(defect),
            thresholds(settings));
    checkLong("memorization_step", m.memorizationStep(), expected);
    checkLong("grok_step_90", m.grokStep90(), expected);
    checkLong("grok_step_patience", m.grokStepPatience(), expected);
    checkLong("onset_step", m.onsetStep(), expected);
    checkLong("lead", m.lead(), expected);
    checkDouble("defect_baseline", m.defectBaseline(), expected);
    checkDouble("normalized_lead", m.normalizedLead(), expected);
    checkDouble("growth", m.growth(), expected);
  }

  private static void checkFit(JsonNode ls) {
    long[] grok = longs(ls.get("grok_steps"));
    Long[] leads = new Long[ls.get("leads").size()];
    for (int i = 0; i < leads.length; i++) {
      JsonNode l = ls.get("leads").get(i);
      leads[i] = l.isNull() ? null : l.asLong();
    }
    LeadScaling.Fit fit = LeadScaling.of(grok, leads);
    JsonNode e = ls.get("fit");
    assertThat(fit.n()).isEqualTo(e.get("n").asInt());
    assertThat(fit.positiveLeads()).isEqualTo(e.get("positive_leads").asInt());
    assertThat(fit.nonzeroLeads()).isEqualTo(e.get("nonzero_leads").asInt());
    for (String k : List.of("alpha", "log_intercept", "r2", "sign_test_p")) {
      double want = e.get(k).asDouble();
      double got =
          switch (k) {
            case "alpha" -> fit.alpha();
            case "log_intercept" -> fit.logIntercept();
            case "r2" -> fit.r2();
            default -> fit.signTestP();
          };
      assertThat(got).as(k).isCloseTo(want, within(TOL * Math.max(1, Math.abs(want))));
    }
  }

  private static void checkLong(String key, Long got, JsonNode expected) {
    JsonNode e = expected.get(key);
    if (e == null || e.isNull()) {
      assertThat(got).as(key).isNull();
    } else {
      assertThat(got).as(key).isEqualTo(e.asLong());
    }
  }

  private static void checkDouble(String key, Double got, JsonNode expected) {
    JsonNode e = expected.get(key);
    if (e == null || e.isNull()) {
      assertThat(got).as(key).isNull();
    } else {
      assertThat(got)
          .as(key)
          .isCloseTo(e.asDouble(), within(TOL * Math.max(1, Math.abs(e.asDouble()))));
    }
  }

  static long[] longs(JsonNode a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asLong();
    }
    return out;
  }

  static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }
}
