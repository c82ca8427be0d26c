package io.manifoldsweep.knob;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A section of a config file ({@code task:}, {@code train:}, {@code sae:}, ...) and the knobs
 * declared in it, in the order the reference lists them. A knob named {@code a.b} lives in the
 * nested mapping {@code a}; a group may accept a shorthand for that mapping ({@code markers: 3} for
 * {@code {min: 3, max: 3}}).
 */
public final class KnobSection {
  private final String name;
  private final String columnPrefix;
  private final String doc;
  private final List<Knob<?>> knobs = new ArrayList<>();
  private final Map<String, Group> groups = new LinkedHashMap<>();

  /** A nested mapping of knobs, and how a non-mapping value expands into one (null: it may not). */
  record Group(String doc, Function<Object, Map<String, Object>> shorthand, String expected) {}

  /**
   * @param name the section's key in a config file
   * @param columnPrefix prefixed to its knobs' runs columns, where leaf names would collide with
   *     another section's
   */
  public KnobSection(String name, String columnPrefix, String doc) {
    this.name = name;
    this.columnPrefix = columnPrefix;
    this.doc = doc;
  }

  public KnobSection(String name, String doc) {
    this(name, "", doc);
  }

  public String name() {
    return name;
  }

  public String columnPrefix() {
    return columnPrefix;
  }

  public String doc() {
    return doc;
  }

  public List<Knob<?>> knobs() {
    return Collections.unmodifiableList(knobs);
  }

  /** Declares the nested mapping {@code group}; {@code shorthand} turns another value into one. */
  public KnobSection group(
      String group, String doc, Function<Object, Map<String, Object>> shorthand, String expected) {
    groups.put(group, new Group(doc, shorthand, expected));
    return this;
  }

  Group group(String group) {
    return groups.get(group);
  }

  public <T> Knob<T> knob(String name, KnobType<T> type, T dflt, String doc) {
    int dot = name.indexOf('.');
    if (dot > 0 && !groups.containsKey(name.substring(0, dot))) {
      throw new IllegalStateException(
          "declare group " + name.substring(0, dot) + " of " + this.name + " before its knobs");
    }
    Knob<T> k = new Knob<>(this, name, type, dflt, doc);
    knobs.add(k);
    return k;
  }

  public Knob<Integer> integer(String name, int dflt, String doc) {
    return knob(name, KnobType.INTEGER, dflt, doc);
  }

  public Knob<Long> longValue(String name, long dflt, String doc) {
    return knob(name, KnobType.LONG, dflt, doc);
  }

  public Knob<Double> number(String name, double dflt, String doc) {
    return knob(name, KnobType.NUMBER, dflt, doc);
  }

  public Knob<Boolean> bool(String name, boolean dflt, String doc) {
    return knob(name, KnobType.BOOLEAN, dflt, doc);
  }

  public <E extends Enum<E>> Knob<E> choice(String name, Class<E> type, E dflt, String doc) {
    return knob(name, KnobType.choice(type), dflt, doc);
  }

  /**
   * Lists {@code knob} right after {@code anchor} in messages, the reference and the canonical
   * tree: a knob that others depend on is declared before them, but a knob added later is listed
   * later.
   */
  public void listAfter(Knob<?> knob, Knob<?> anchor) {
    knobs.remove(knob);
    knobs.add(knobs.indexOf(anchor) + 1, knob);
  }

  /**
   * The keys a user may write directly in this section: knob names and group names, in declaration
   * order.
   */
  List<String> topKeys() {
    List<String> out = new ArrayList<>();
    for (Knob<?> k : knobs) {
      int dot = k.name().indexOf('.');
      String top = dot < 0 ? k.name() : k.name().substring(0, dot);
      if (!out.contains(top)) {
        out.add(top);
      }
    }
    return out;
  }

  /** The knob names inside {@code group}, without the group's prefix. */
  List<String> groupKeys(String group) {
    List<String> out = new ArrayList<>();
    for (Knob<?> k : knobs) {
      if (k.name().startsWith(group + ".")) {
        out.add(k.name().substring(group.length() + 1));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return name;
  }
}
