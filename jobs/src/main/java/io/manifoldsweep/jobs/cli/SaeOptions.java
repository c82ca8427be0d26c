package io.manifoldsweep.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.table.ForklessLocalFileSystem;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.sweep.SweepSpec;
import io.manifoldsweep.sweep.YamlConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Option;

/**
 * Where the SAE analysis takes its settings from, resolved and validated before Spark starts: the
 * {@code sae:} section of {@code --sae-config FILE}, else of the sweep file the results folder was
 * made with, else the defaults, then each {@code --sae KEY=VALUE}.
 */
public final class SaeOptions {
  @Option(
      names = "--sae-config",
      paramLabel = "FILE",
      description = "YAML whose sae: section to use (default: the sweep file DIR was made with).")
  java.nio.file.Path config;

  @Option(
      names = "--sae",
      paramLabel = "KEY=VALUE",
      description = "Override one SAE setting, e.g. --sae steps=500 --sae 'k=[4, 16]'; repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--skip-sae",
      description = "Compute the manifold tables only, not the sparse-autoencoder ones.")
  boolean skip;

  /** The settings for the results folder {@code dir}, empty with --skip-sae. */
  Optional<SaeSettings> resolve(String dir) throws IOException {
    if (skip) {
      return Optional.empty();
    }
    String sweepYaml = storedSweepYaml(dir);
    Map<String, Object> tree = new LinkedHashMap<>();
    if (config != null) {
      tree.putAll(section(readFile(config), config.toString()));
    } else if (sweepYaml != null) {
      tree.putAll(section(sweepYaml, dir + "/_sweep.json"));
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      tree.putAll(YamlConfigLoader.load(e.getKey() + ": " + e.getValue(), "--sae " + e.getKey()));
    }
    SaeSettings settings = SaeSettings.fromTree(tree);
    if (sweepYaml != null) {
      for (CellSpec c : SweepSpec.parse(sweepYaml, dir + "/_sweep.json").cells()) {
        settings.validateFor(c.config().model(), "cell " + c.cellId() + " " + c.axes());
      }
    }
    return Optional.of(settings);
  }

  /** With the settings of a sweep file this command was given: its own, then the overrides. */
  Optional<SaeSettings> resolve(SweepSpec spec) {
    if (skip) {
      return Optional.empty();
    }
    Map<String, Object> tree = new LinkedHashMap<>(spec.sae().toTree());
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      tree.putAll(YamlConfigLoader.load(e.getKey() + ": " + e.getValue(), "--sae " + e.getKey()));
    }
    SaeSettings settings = SaeSettings.fromTree(tree);
    for (CellSpec c : spec.cells()) {
      settings.validateFor(c.config().model(), "cell " + c.cellId() + " " + c.axes());
    }
    return Optional.of(settings);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(String yaml, String source) {
    Object sae = YamlConfigLoader.load(yaml, source).get("sae");
    if (sae == null) {
      return Map.of();
    }
    if (!(sae instanceof Map)) {
      throw new ConfigException("sae", sae, "must be a mapping of SAE settings (" + source + ")");
    }
    return (Map<String, Object>) sae;
  }

  private static String readFile(java.nio.file.Path file) throws IOException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("--sae-config", file, "no such file");
    }
  }

  /**
   * The sweep YAML in DIR/_sweep.json, or null for a folder without one, or one this JVM cannot
   * read before Spark starts (a FileSystem that needs Spark's Hadoop settings): then the defaults
   * and the overrides apply, and the layers are checked against the cells once Spark has read them.
   */
  private static String storedSweepYaml(String dir) {
    Path manifest = new Path(dir, "_sweep.json");
    try {
      FileSystem fs = manifest.getFileSystem(ForklessLocalFileSystem.configuration());
      if (!fs.exists(manifest)) {
        return null;
      }
      try (InputStream in = fs.open(manifest)) {
        JsonNode m =
            new ObjectMapper().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        JsonNode yaml = m.get("config_yaml");
        return yaml == null ? null : yaml.asText();
      }
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "warning: cannot read "
              + manifest
              + " before Spark starts ("
              + e.getMessage()
              + "); SAE settings from"
              + " --sae-config and --sae only");
      return null;
    }
  }
}
