package io.manifoldsweep.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.train.CellConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/knobs.md is what the knob declarations generate, and every declaration is complete. */
class KnobReferenceTest {
  private static final Path PAGE = Path.of("../docs/knobs.md");

  @Test
  void theCommittedReferenceIsCurrent() throws IOException {
    assertThat(PAGE).as("docs/knobs.md: generate it with submit/knobs > docs/knobs.md").exists();
    assertThat(Files.readString(PAGE))
        .as("docs/knobs.md is stale: regenerate it with submit/knobs > docs/knobs.md")
        .isEqualTo(KnobReference.markdown());
  }

  @Test
  void everyKnobIsDocumentedAndKeysAndColumnsAreUnique() {
    Set<String> keys = new HashSet<>();
    Set<String> columns = new HashSet<>();
    for (KnobSection s : KnobReference.SECTIONS) {
      for (Knob<?> k : s.knobs()) {
        assertThat(k.doc()).as(k.key()).isNotBlank();
        assertThat(keys.add(k.key())).as("key %s declared twice", k.key()).isTrue();
        if (CellConfig.SECTIONS.contains(s)) {
          assertThat(columns.add(k.column()))
              .as("runs column %s of %s taken by another knob", k.column(), k.key())
              .isTrue();
        }
      }
    }
  }
}
