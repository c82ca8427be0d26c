package io.manifoldsweep.knob;

import static io.manifoldsweep.ConfigException.describe;

import io.manifoldsweep.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting, declared once: its key, type, default, documentation, validation, whether it is part
 * of a cell's id, and for which values of another knob it applies. Reading a config, writing its
 * canonical tree, the runs columns, the {@code --set} overrides and {@code docs/knobs.md} all
 * derive from these declarations. Declare knobs through {@link KnobSection}.
 *
 * @param <T> the Java type a program reads it as
 */
public final class Knob<T> {
  /** Whether a knob's value is part of a cell's id (and of its seed group's key). */
  public enum Identity {
    /** Always: the knob defines what a cell trains. */
    ALWAYS,
    /**
     * Only when off its default: a knob added after results existed, whose default trains what
     * those cells trained, so that they keep their ids.
     */
    UNLESS_DEFAULT,
    /** Never: the knob changes nothing a cell trains or records (resume points, checkpoints). */
    NEVER
  }

  private final KnobSection section;
  private final String name;
  private final KnobType<T> type;
  private final String doc;
  private Function<KnobValues, T> defaultRule;
  private String defaultDoc;
  private Identity identity = Identity.ALWAYS;
  private Predicate<KnobValues> applies = v -> true;
  private String appliesDoc = "";
  private final List<Knob<?>> dependsOn = new ArrayList<>();
  private final List<Check<T>> checks = new ArrayList<>();

  /** A rule a value must satisfy: the problem with {@code value}, or null. */
  @FunctionalInterface
  public interface Check<T> {
    String problem(T value);
  }

  Knob(KnobSection section, String name, KnobType<T> type, T dflt, String doc) {
    this.section = section;
    this.name = name;
    this.type = type;
    this.doc = doc;
    defaultValue(dflt);
  }

  /** The full dotted key, e.g. {@code train.batch_size} or {@code task.markers.min}. */
  public String key() {
    return section.name() + "." + name;
  }

  /** The key inside its section, e.g. {@code batch_size} or {@code markers.min}. */
  public String name() {
    return name;
  }

  public KnobSection section() {
    return section;
  }

  public KnobType<T> type() {
    return type;
  }

  public String doc() {
    return doc;
  }

  public Identity identity() {
    return identity;
  }

  /**
   * The runs column: the key inside its section with dots as underscores, after the section's
   * prefix.
   */
  public String column() {
    return section.columnPrefix() + name.replace('.', '_');
  }

  public Knob<T> defaultValue(T value) {
    defaultRule = v -> value;
    defaultDoc = value == null ? "none" : String.valueOf(type.write(value));
    return this;
  }

  /** A default that depends on another knob's value, e.g. the modulus on the task's kind. */
  public <K> Knob<T> defaultBy(Knob<K> by, Map<K, T> values) {
    Map<K, T> copy = new LinkedHashMap<>(values);
    dependsOn.add(by);
    defaultRule = v -> copy.get(v.get(by));
    // in the order of the other knob's labels, whatever order the map iterates in
    java.util.TreeMap<String, String> parts = new java.util.TreeMap<>();
    copy.forEach(
        (k, t) ->
            parts.put(
                String.valueOf(by.type().write(k)),
                type.write(t) + " (" + by.name() + " " + by.type().write(k) + ")"));
    defaultDoc = String.join(", ", parts.values());
    return this;
  }

  /**
   * The knob exists only while {@code by} takes one of {@code values}; elsewhere it may not be set.
   */
  @SafeVarargs
  public final <K> Knob<T> onlyWhen(Knob<K> by, K... values) {
    Set<K> allowed = Set.copyOf(Arrays.asList(values));
    dependsOn.add(by);
    applies = v -> allowed.contains(v.get(by));
    List<String> labels = new ArrayList<>();
    for (K k : values) {
      labels.add(String.valueOf(by.type().write(k)));
    }
    appliesDoc = by.key() + ": " + String.join(" or ", labels);
    return this;
  }

  /**
   * The knob exists only while {@code by} has a value (an optional knob, such as an early stop's
   * threshold).
   */
  public Knob<T> onlyWhenSet(Knob<?> by) {
    dependsOn.add(by);
    applies = v -> v.has(by);
    appliesDoc = by.key() + " is set";
    return this;
  }

  public Knob<T> identity(Identity identity) {
    this.identity = identity;
    return this;
  }

  public Knob<T> check(Check<T> check) {
    checks.add(check);
    return this;
  }

  /** Values must be positive: integers "a positive integer", numbers "a positive finite number". */
  public Knob<T> positive() {
    return check(
        v ->
            v instanceof Integer i
                ? (i > 0 ? null : "must be a positive integer")
                : ((Number) v).doubleValue() > 0 ? null : "must be a positive finite number");
  }

  /**
   * Values must be {@code >= 0}; {@code problem} says so, and what 0 means where it means
   * something.
   */
  public Knob<T> nonNegative(String problem) {
    return check(v -> ((Number) v).doubleValue() >= 0 ? null : problem);
  }

  /** Values must lie in {@code [0, 1)}. */
  public Knob<T> unitInterval() {
    return check(
        v ->
            ((Number) v).doubleValue() >= 0 && ((Number) v).doubleValue() < 1
                ? null
                : "must be in [0, 1)");
  }

  /** Values must lie in {@code [lo, hi]}. */
  public Knob<T> within(double lo, double hi) {
    return check(
        v ->
            ((Number) v).doubleValue() >= lo && ((Number) v).doubleValue() <= hi
                ? null
                : "must lie in [" + describe(lo) + ", " + describe(hi) + "]");
  }

  /** Knobs this one's default or presence depends on, resolved before it. */
  List<Knob<?>> dependsOn() {
    return dependsOn;
  }

  /** Whether the knob exists for a cell whose other knobs are {@code resolved}. */
  boolean appliesTo(KnobValues resolved) {
    return applies.test(resolved);
  }

  /** Where the knob applies, for messages and the reference; empty when it always does. */
  public String appliesDoc() {
    return appliesDoc;
  }

  public String defaultDoc() {
    return defaultDoc;
  }

  T defaultFor(KnobValues resolved) {
    return defaultRule.apply(resolved);
  }

  /** Reads a present node and checks it. */
  T read(Object node) {
    T value = type.read(key(), node);
    validate(value);
    return value;
  }

  /** Fails naming the key and quoting the value when a check refuses it. */
  public void validate(T value) {
    for (Check<T> c : checks) {
      String problem = c.problem(value);
      if (problem != null) {
        throw new ConfigException(key(), describe(type.write(value)), problem);
      }
    }
  }

  @Override
  public String toString() {
    return key();
  }
}
