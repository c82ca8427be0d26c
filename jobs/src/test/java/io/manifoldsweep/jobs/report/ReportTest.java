package io.manifoldsweep.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.TestFiles;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.jobs.analyze.AnalyzeJob;
import io.manifoldsweep.jobs.sweep.SweepHooks;
import io.manifoldsweep.jobs.sweep.SweepJob;
import io.manifoldsweep.sweep.SweepSpec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a small sweep: every figure exists, is not blank, and loads in a real browser. */
class ReportTest {
  private static SparkSession spark;

  @TempDir static Path tmp;

  private static Path index;

  @BeforeAll
  static void render() throws IOException {
    spark = TestSessions.local("local[2]", "ReportTest");
    String yaml =
        TestFiles.tinyYaml().replace("init_seed: [0, 1]}", "init_seed: [0, 1], data_seed: [0, 1]}");
    SweepSpec spec = SweepSpec.parse(yaml, "tiny.yaml");
    PrintStream quiet = TestOutput.discarded();
    Path dir = tmp.resolve("results");
    new SweepJob(spark, quiet, 60_000).run(spec, spec.cells(), dir.toString(), SweepHooks.NONE);
    new AnalyzeJob(spark, quiet).run(dir.toString(), 3, java.util.Optional.empty());
    index = new ReportJob(spark, quiet).run(dir.toString());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static List<String> images() throws IOException {
    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(Files.readString(index));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyFigureExistsAndIsNotBlank() throws IOException {
    List<String> images = images();
    // per group: spectra, r90, timeline, pc12, defect, ratio, 2 attention, 3 heat maps, accuracy
    assertThat(images).hasSize(2 * 12);
    String html = Files.readString(index);
    assertThat(html)
        .contains("modulus 5")
        .contains("modulus 7")
        .contains("<figcaption>")
        .doesNotContain("http://")
        .doesNotContain("https://");
    for (String src : images) {
      Path png = index.resolveSibling(src);
      assertThat(png).exists();
      BufferedImage img = ImageIO.read(png.toFile());
      assertThat(img).as(src).isNotNull();
      assertThat(distinctColours(img)).as("colours in %s", src).isGreaterThan(20);
    }
  }

  private static int distinctColours(BufferedImage img) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        colours.add(img.getRGB(x, y));
      }
    }
    return colours.size();
  }

  @Test
  void headlessChromiumLoadsEveryImage() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Assumptions.assumeTrue(
        Files.isExecutable(chromium),
        "skipped: no /usr/bin/chromium (install the Debian package 'chromium'; .ci/run does)");
    // a copy of the page beside its images that reports broken images in the DOM once loaded
    Path probe = index.resolveSibling("probe.html");
    Files.writeString(
        probe,
        Files.readString(index)
            .replace(
                "</body>",
                "<script>window.addEventListener('load',()=>{const bad=[...document.images].filter(i=>!i.complete||i.naturalWidth===0);"
                    + "document.body.setAttribute('data-images',document.images.length);document.body.setAttribute('data-broken',bad.length);});</script></body>"));
    Path profile = Files.createTempDirectory(tmp, "chromium");
    Process p =
        new ProcessBuilder(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--allow-file-access-from-files",
                "--virtual-time-budget=10000",
                "--dump-dom",
                probe.toUri().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(dom)
        .contains("data-images=\"" + images().size() + "\"")
        .contains("data-broken=\"0\"");
  }
}
