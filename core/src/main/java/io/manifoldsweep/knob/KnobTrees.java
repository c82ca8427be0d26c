package io.manifoldsweep.knob;

import static io.manifoldsweep.ConfigException.describe;

import io.manifoldsweep.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Config trees that override others: what {@code --set} and "this config with these knobs" build
 * on.
 */
public final class KnobTrees {
  private KnobTrees() {}

  /**
   * {@code into} with every leaf of {@code from} written over it; mappings merge key by key, so
   * that a group's mapping replaces only the keys it names.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> merged(Map<String, Object> into, Map<String, Object> from) {
    Map<String, Object> out = new LinkedHashMap<>(into);
    for (Map.Entry<String, Object> e : from.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> m
          && out.get(e.getKey()) instanceof Map<?, ?> existing) {
        out.put(e.getKey(), merged((Map<String, Object>) existing, (Map<String, Object>) m));
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /**
   * The tree of {@code SECTION.KEY=VALUE} settings, each VALUE read as YAML ({@code 64}, {@code
   * float64}, {@code [4, 16]}); {@code option} names the flag in messages. Sections other than
   * {@code sections} are refused, naming the ones this command takes.
   */
  public static Map<String, Object> fromSettings(
      List<String> settings, List<KnobSection> sections, String option) {
    Map<String, Object> tree = new LinkedHashMap<>();
    List<String> names = sections.stream().map(KnobSection::name).toList();
    for (String setting : settings) {
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            option, describe(setting), "must be SECTION.KEY=VALUE, e.g. model.d_model=64");
      }
      String key = setting.substring(0, eq).trim();
      String[] path = key.split("\\.");
      if (path.length < 2 || !names.contains(path[0])) {
        throw new ConfigException(
            option,
            describe(setting),
            "sets no knob of "
                + String.join(", ", names)
                + " (a key is SECTION.KEY, e.g. "
                + names.get(0)
                + ".steps)");
      }
      Object value =
          YamlConfigLoader.load("value: " + setting.substring(eq + 1), option + " " + key)
              .get("value");
      Map<String, Object> nested = Map.of(path[path.length - 1], value);
      for (int i = path.length - 2; i >= 0; i--) {
        nested = Map.of(path[i], nested);
      }
      tree = merged(tree, nested);
    }
    return tree;
  }
}
