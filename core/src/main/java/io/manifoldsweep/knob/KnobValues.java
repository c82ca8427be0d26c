package io.manifoldsweep.knob;

import static io.manifoldsweep.ConfigException.describe;

import io.manifoldsweep.ConfigException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The resolved values of the knobs of some sections: every knob that applies, given or defaulted,
 * checked. Knobs that do not apply (a marker-task knob of a modular task) have no value.
 */
public final class KnobValues implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Key to value, in declaration order; the value is what {@link KnobType#read} returned. */
  private final Map<String, Object> values;

  private KnobValues(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Reads {@code sections} of a config tree: unknown keys fail before any value is used, missing
   * knobs take their defaults, and knobs that do not apply may not be set. Keys of {@code root}
   * that name no section are the caller's to check.
   */
  public static KnobValues read(Map<String, Object> root, List<KnobSection> sections) {
    return new Reader(root, sections).read();
  }

  /**
   * Reads one section from a YAML mapping of its knobs, e.g. {@code {vocab: 32, modulus: 5}} for
   * {@code task}: how tests and command-line presets name the few knobs they set.
   */
  public static KnobValues parse(String yaml, KnobSection section) {
    return of(section, YamlConfigLoader.load(yaml, section.name()));
  }

  /** Reads one section from a mapping of its knobs. */
  public static KnobValues of(KnobSection section, Map<String, Object> knobs) {
    return read(Map.of(section.name(), knobs), List.of(section));
  }

  /** Whether {@code knob} applies and has a value. */
  public boolean has(Knob<?> knob) {
    return values.containsKey(knob.key());
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Knob<T> knob) {
    if (!values.containsKey(knob.key())) {
      throw new IllegalStateException(
          knob.key()
              + " has no value here"
              + (knob.appliesDoc().isEmpty()
                  ? ""
                  : " (it applies where " + knob.appliesDoc() + ")"));
    }
    return (T) values.get(knob.key());
  }

  /**
   * The canonical tree of these values: sections of nested mappings of the values users write,
   * every knob that has a value and that {@code keep} accepts; sections left empty are omitted.
   */
  public Map<String, Object> tree(List<KnobSection> sections, Predicate<Knob<?>> keep) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (KnobSection s : sections) {
      Map<String, Object> section = new LinkedHashMap<>();
      for (Knob<?> k : s.knobs()) {
        if (has(k) && keep.test(k)) {
          put(section, k.name(), written(k));
        }
      }
      if (!section.isEmpty()) {
        root.put(s.name(), section);
      }
    }
    return root;
  }

  /** Whether {@code knob} holds its default for these values. */
  public boolean isDefault(Knob<?> knob) {
    return Objects.equals(values.get(knob.key()), knob.defaultFor(this));
  }

  @SuppressWarnings("unchecked")
  private <T> Object written(Knob<T> k) {
    return k.type().write((T) values.get(k.key()));
  }

  /** The value as {@code knob}'s runs column stores it, null where it has none. */
  @SuppressWarnings("unchecked")
  public <T> Object columnValue(Knob<T> knob) {
    return has(knob) ? knob.type().columnValue((T) values.get(knob.key())) : null;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> node, String dotted, Object value) {
    int dot = dotted.indexOf('.');
    if (dot < 0) {
      node.put(dotted, value);
      return;
    }
    Map<String, Object> child =
        (Map<String, Object>)
            node.computeIfAbsent(
                dotted.substring(0, dot), k -> new LinkedHashMap<String, Object>());
    put(child, dotted.substring(dot + 1), value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KnobValues other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }

  /**
   * One read: the given values flattened to dotted names per section, then each knob resolved once.
   */
  private static final class Reader {
    private final Map<String, Map<String, Object>> given = new LinkedHashMap<>();
    private final List<KnobSection> sections;
    private final Map<String, Object> resolved = new LinkedHashMap<>();
    private final Set<String> done = new HashSet<>();
    private final Set<String> resolving = new HashSet<>();

    Reader(Map<String, Object> root, List<KnobSection> sections) {
      this.sections = sections;
      for (KnobSection s : sections) {
        given.put(s.name(), flatten(s, root.get(s.name())));
      }
    }

    KnobValues read() {
      for (KnobSection s : sections) {
        for (Knob<?> k : s.knobs()) {
          resolve(k);
        }
      }
      Map<String, Object> ordered = new LinkedHashMap<>();
      for (KnobSection s : sections) {
        for (Knob<?> k : s.knobs()) {
          if (resolved.containsKey(k.key())) {
            ordered.put(k.key(), resolved.get(k.key()));
          }
        }
      }
      return new KnobValues(ordered);
    }

    private void resolve(Knob<?> k) {
      if (done.contains(k.key())) {
        return;
      }
      if (!resolving.add(k.key())) {
        throw new IllegalStateException("knob " + k.key() + " depends on itself");
      }
      for (Knob<?> by : k.dependsOn()) {
        if (given.containsKey(by.section().name())) {
          resolve(by);
        } else if (!resolved.containsKey(by.key())) {
          // a section not being read (the train knobs alone, say): its knobs are at their defaults
          resolved.put(by.key(), by.defaultFor(new KnobValues(new LinkedHashMap<>(resolved))));
        }
      }
      KnobValues sofar = new KnobValues(new LinkedHashMap<>(resolved));
      Map<String, Object> section = given.get(k.section().name());
      boolean set = section.containsKey(k.name());
      if (k.appliesTo(sofar)) {
        Object value = set ? k.read(section.get(k.name())) : k.defaultFor(sofar);
        if (value != null) {
          resolved.put(k.key(), value);
        }
      } else if (set) {
        throw new ConfigException(
            k.key(), describe(section.get(k.name())), "applies only where " + k.appliesDoc());
      }
      resolving.remove(k.key());
      done.add(k.key());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(KnobSection s, Object node) {
      Map<String, Object> out = new LinkedHashMap<>();
      if (node == null) {
        return out;
      }
      if (!(node instanceof Map<?, ?> map)) {
        throw new ConfigException(s.name(), describe(node), "must be a mapping of keys to values");
      }
      List<String> allowed = s.topKeys();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (!allowed.contains(key)) {
          throw new ConfigException(
              s.name() + "." + key,
              describe(e.getValue()),
              "unknown key (expected one of " + String.join(", ", allowed) + ")");
        }
        if (e.getValue() == null) {
          continue;
        }
        KnobSection.Group group = s.group(key);
        if (group == null) {
          out.put(key, e.getValue());
          continue;
        }
        Object value = e.getValue();
        Map<String, Object> inner;
        if (value instanceof Map) {
          inner = (Map<String, Object>) value;
        } else if (group.shorthand() != null) {
          inner = group.shorthand().apply(value);
        } else {
          inner = null;
        }
        if (inner == null) {
          throw new ConfigException(
              s.name() + "." + key, describe(value), "must be " + group.expected());
        }
        List<String> keys = s.groupKeys(key);
        for (Map.Entry<String, Object> g : inner.entrySet()) {
          if (!keys.contains(g.getKey())) {
            throw new ConfigException(
                s.name() + "." + key + "." + g.getKey(),
                describe(g.getValue()),
                "unknown key (expected one of " + String.join(", ", keys) + ")");
          }
          out.put(key + "." + g.getKey(), g.getValue());
        }
      }
      return out;
    }
  }

  /**
   * The keys of {@code sections} whose values are lists themselves: a list there is no grid axis.
   */
  public static List<String> listValuedKeys(List<KnobSection> sections) {
    List<String> out = new ArrayList<>();
    for (KnobSection s : sections) {
      for (Knob<?> k : s.knobs()) {
        if (k.type().listValued()) {
          out.add(k.key());
        }
      }
    }
    return out;
  }
}
