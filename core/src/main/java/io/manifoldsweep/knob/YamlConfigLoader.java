package io.manifoldsweep.knob;

import io.manifoldsweep.ConfigException;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Parses sweep YAML into plain maps, lists and scalars. snakeyaml-engine constructs no Java types
 * from tags, so a document carrying {@code !!javax.script.ScriptEngineManager} is an error, never
 * code execution; duplicate keys are errors too, since the later one would silently win.
 */
public final class YamlConfigLoader {
  private YamlConfigLoader() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> load(String text, String source) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(50)
            // a sweep file is a page of text; a bigger one is a mistake or an attack
            .setCodePointLimit(1 << 20)
            .build();
    Object doc;
    try {
      doc = new Load(settings).loadFromString(text);
    } catch (MarkedYamlEngineException e) {
      throw new ConfigException(
          source, "(yaml)", "is not valid YAML: " + e.getMessage().replace('\n', ' ').trim());
    } catch (YamlEngineException e) {
      throw new ConfigException(source, "(yaml)", "is not valid YAML: " + e.getMessage());
    }
    if (!(doc instanceof Map)) {
      throw new ConfigException(
          source,
          doc == null ? "(empty)" : ConfigException.describe(doc),
          "must be a YAML mapping with at least a 'name'");
    }
    return (Map<String, Object>) doc;
  }
}
