package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobTrees;
import io.manifoldsweep.sweep.GrokkingSettings;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.train.CellConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --set SECTION.KEY=VALUE}: any knob by the name it has in a sweep file; {@code
 * submit/knobs} and docs/knobs.md list them. Each command says which sections it takes.
 */
public final class KnobOptions {
  @Option(
      names = "--set",
      paramLabel = "SECTION.KEY=VALUE",
      description =
          "Set one knob by its sweep-file name, e.g. --set model.d_model=64 --set 'sae.k=[4, 16]'; repeatable"
              + " (submit/knobs lists every knob).")
  List<String> settings = new ArrayList<>();

  /** The settings as a tree of sections, refusing any outside {@code sections}. */
  public Map<String, Object> tree(List<KnobSection> sections) {
    return KnobTrees.fromSettings(settings, sections, "--set");
  }

  /**
   * The settings of the analysis sections ({@code sae}, {@code grokking}); other sections are
   * refused.
   */
  public Map<String, Object> analysisTree() {
    return tree(List.of(SaeSettings.KNOBS, GrokkingSettings.KNOBS));
  }

  /**
   * The grokking thresholds: {@code stored} (a {@code grokking:} tree or null), then the settings.
   */
  @SuppressWarnings("unchecked")
  public GrokkingSettings grokking(Object stored) {
    Map<String, Object> set =
        (Map<String, Object>) analysisTree().get(GrokkingSettings.KNOBS.name());
    GrokkingSettings base = GrokkingSettings.fromTree(stored);
    return set == null ? base : base.with(set);
  }

  /** {@code base} with the settings of the cell's sections applied; other sections are refused. */
  public CellConfig apply(CellConfig base) {
    return base.with(tree(CellConfig.SECTIONS));
  }

  /** The cell and SAE settings a command that takes both sections is given. */
  public record CellAndSae(CellConfig cell, SaeSettings sae) {}

  public CellAndSae apply(CellConfig cell, SaeSettings sae) {
    List<KnobSection> sections = new ArrayList<>(CellConfig.SECTIONS);
    sections.add(SaeSettings.KNOBS);
    Map<String, Object> tree = new java.util.LinkedHashMap<>(tree(sections));
    @SuppressWarnings("unchecked")
    Map<String, Object> saeTree = (Map<String, Object>) tree.remove(SaeSettings.KNOBS.name());
    return new CellAndSae(cell.with(tree), saeTree == null ? sae : sae.with(saeTree));
  }
}
