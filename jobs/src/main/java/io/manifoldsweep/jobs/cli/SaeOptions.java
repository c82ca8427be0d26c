package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.sweep.SweepFolder;
import io.manifoldsweep.knob.YamlConfigLoader;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the SAE analysis takes its settings from, resolved and checked before Spark starts: the
 * {@code sae:} section of {@code --sae-config FILE}, else the settings the results folder was made
 * with (its manifest stores them parsed), else the defaults; then every {@code --set
 * sae.KEY=VALUE}. Whether each hooked layer exists is checked against the cells the analysis reads.
 */
public final class SaeOptions {
  @Option(
      names = "--sae-config",
      paramLabel = "FILE",
      description = "YAML whose sae: section to use (default: the settings DIR was made with).")
  java.nio.file.Path config;

  @Option(
      names = "--skip-sae",
      description = "Compute the manifold tables only, not the sparse-autoencoder ones.")
  boolean skip;

  /** The settings for the results folder {@code dir}, empty with --skip-sae. */
  Optional<SaeSettings> resolve(String dir, KnobOptions knobs) throws IOException {
    if (skip) {
      return Optional.empty();
    }
    SaeSettings base =
        SaeSettings.fromTree(
            config != null
                ? section(readFile(config), config.toString())
                : SweepFolder.storedSection(dir, SaeSettings.KNOBS));
    return Optional.of(withOverrides(base, knobs));
  }

  /** With the settings of a sweep file this command was given: its own, then the overrides. */
  Optional<SaeSettings> resolve(SweepSpec spec, KnobOptions knobs) {
    return skip ? Optional.empty() : Optional.of(withOverrides(spec.sae(), knobs));
  }

  @SuppressWarnings("unchecked")
  private static SaeSettings withOverrides(SaeSettings base, KnobOptions knobs) {
    Map<String, Object> sae =
        (Map<String, Object>) knobs.tree(List.of(SaeSettings.KNOBS)).get(SaeSettings.KNOBS.name());
    return sae == null ? base : base.with(sae);
  }

  private static Object section(String yaml, String source) {
    Object sae = YamlConfigLoader.load(yaml, source).get(SaeSettings.KNOBS.name());
    if (sae != null && !(sae instanceof Map)) {
      throw new ConfigException("sae", sae, "must be a mapping of SAE settings (" + source + ")");
    }
    return sae;
  }

  private static String readFile(java.nio.file.Path file) throws IOException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("--sae-config", file, "no such file");
    }
  }
}
