package io.manifoldsweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README and docs/ hold together: every relative link reaches a file (and a heading, when it
 * names one), every page a command or an error message names exists, and the README's sweep file is
 * a sweep this version accepts.
 */
class DocumentationTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
  private static final Pattern CODE_BLOCK = Pattern.compile("(?ms)^```.*?^```");
  private static final Pattern DOC_POINTER = Pattern.compile("docs/[\\w./-]+\\.md");

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      String text = CODE_BLOCK.matcher(Files.readString(page)).replaceAll("");
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void everyPageTheCodeNamesExists() throws IOException {
    Set<String> missing = new LinkedHashSet<>();
    List<Path> sources = new ArrayList<>();
    for (String dir : List.of("core/src/main", "analysis/src/main", "jobs/src/main", "submit")) {
      try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
        s.filter(Files::isRegularFile).forEach(sources::add);
      }
    }
    assertThat(sources).isNotEmpty();
    for (Path source : sources) {
      Matcher m = DOC_POINTER.matcher(Files.readString(source));
      while (m.find()) {
        if (!Files.exists(ROOT.resolve(m.group()))) {
          missing.add(ROOT.relativize(source) + " names " + m.group());
        }
      }
    }
    assertThat(missing).as("pages named by the code that do not exist").isEmpty();
  }

  @Test
  void theReadmesSweepFileIsAValidSweep() throws IOException {
    Matcher m =
        Pattern.compile("(?ms)^```yaml\\n(.*?)^```")
            .matcher(Files.readString(ROOT.resolve("README.md")));
    assertThat(m.find()).as("README.md has a yaml block").isTrue();
    String yaml = m.group(1);
    assertThat(yaml).contains("range:", "zip:", "sae:");
    SweepSpec spec = SweepSpec.parse(yaml, "README.md");
    assertThat(spec.cells()).hasSize(8);
  }

  @Test
  void anchorsFollowGitHubsRule(@TempDir Path tmp) throws IOException {
    Path page = tmp.resolve("page.md");
    Files.writeString(
        page,
        "# Sweep files\n\n## Checkpoints and the `sae:` section\n```\n# not a heading\n```\n");
    assertThat(anchors(page)).containsExactly("sweep-files", "checkpoints-and-the-sae-section");
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    for (String dir : List.of("docs", "testdata")) {
      try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
      }
    }
    return pages;
  }

  /** GitHub's anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
  static Set<String> anchors(Path page) throws IOException {
    Set<String> anchors = new LinkedHashSet<>();
    if (!page.toString().endsWith(".md")) {
      return anchors;
    }
    Matcher m = HEADING.matcher(CODE_BLOCK.matcher(Files.readString(page)).replaceAll(""));
    while (m.find()) {
      anchors.add(
          m.group(1)
              .trim()
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-'));
    }
    return anchors;
  }
}
