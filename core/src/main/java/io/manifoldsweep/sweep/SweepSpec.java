package io.manifoldsweep.sweep;

import static io.manifoldsweep.ConfigException.describe;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.knob.YamlConfigLoader;
import io.manifoldsweep.train.CellConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A sweep: a name and a config tree in which any leaf given as a list is a grid axis. The grid is
 * the cross product of the axes, except that the axes named together in one {@code zip} group
 * advance together (they must have equal lengths). A mapping {@code {range: [a, b]}} is shorthand
 * for the integer list a, a+1, ..., b-1.
 *
 * <pre>
 * name: quick
 * task: {modulus: [5, 7], markers: {min: 1, max: 2}}
 * train: {init_seed: {range: [0, 2]}, data_seed: {range: [0, 2]}}
 * zip: [[train.init_seed, train.data_seed]]
 * </pre>
 */
public final class SweepSpec {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  /** The keys of a sweep file besides the cell sections. */
  private static final List<String> SWEEP_KEYS =
      List.of(
          "name", "description", "zip", SaeSettings.KNOBS.name(), GrokkingSettings.KNOBS.name());

  /** Knobs whose value is itself a list; a grid cannot vary them. */
  private static final List<String> LIST_VALUED = KnobValues.listValuedKeys(CellConfig.SECTIONS);

  /** Cells a sweep may have unless the caller raises the limit (the CLI's --max-cells). */
  public static final long DEFAULT_MAX_CELLS = 10_000;

  private final String name;
  private final Map<String, Object> tree;
  private final List<List<Axis>> axisGroups;
  private final String sourceYaml;
  private final SaeSettings sae;
  private final GrokkingSettings grokking;

  /** One grid axis: a dotted key path and its values. */
  public record Axis(String path, List<Object> values) {}

  private SweepSpec(
      String name,
      Map<String, Object> tree,
      List<List<Axis>> axisGroups,
      String sourceYaml,
      SaeSettings sae,
      GrokkingSettings grokking) {
    this.name = name;
    this.tree = tree;
    this.axisGroups = axisGroups;
    this.sourceYaml = sourceYaml;
    this.sae = sae;
    this.grokking = grokking;
  }

  public static SweepSpec parse(String yaml, String source) {
    return parse(yaml, source, DEFAULT_MAX_CELLS);
  }

  /**
   * As {@link #parse(String, String)}, refusing grids of more than {@code maxCells} cells before
   * expanding them.
   */
  public static SweepSpec parse(String yaml, String source, long maxCells) {
    Map<String, Object> doc = YamlConfigLoader.load(yaml, source);
    List<String> topLevel = new ArrayList<>(SWEEP_KEYS);
    CellConfig.SECTIONS.forEach(section -> topLevel.add(section.name()));
    for (String k : doc.keySet()) {
      if (!topLevel.contains(k)) {
        throw new ConfigException(
            k,
            describe(doc.get(k)),
            "unknown key (expected one of " + String.join(", ", topLevel) + ")");
      }
    }
    Object name = doc.get("name");
    if (!(name instanceof String n) || !NAME.matcher(n).matches()) {
      throw new ConfigException(
          "name",
          name == null ? "(missing)" : describe(name),
          "a sweep needs a name of letters, digits, '.', '_' or '-' (it names the results folder)");
    }
    Object description = doc.get("description");
    if (description != null && !(description instanceof String)) {
      throw new ConfigException("description", describe(description), "must be a string");
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    for (KnobSection section : CellConfig.SECTIONS) {
      if (doc.containsKey(section.name())) {
        tree.put(section.name(), doc.get(section.name()));
      }
    }
    List<Axis> axes = new ArrayList<>();
    collectAxes("", tree, axes);
    List<List<Axis>> groups = groupAxes(axes, doc.get("zip"));
    SweepSpec spec =
        new SweepSpec(
            (String) name,
            tree,
            groups,
            yaml,
            SaeSettings.fromTree(doc.get(SaeSettings.KNOBS.name())),
            GrokkingSettings.fromTree(doc.get(GrokkingSettings.KNOBS.name())));
    long cells = 1;
    for (List<Axis> g : groups) {
      try {
        cells = Math.multiplyExact(cells, g.get(0).values().size());
      } catch (ArithmeticException e) {
        cells = Long.MAX_VALUE;
      }
    }
    if (cells > maxCells) {
      List<String> sizes =
          groups.stream().map(g -> g.get(0).path() + " x" + g.get(0).values().size()).toList();
      throw new ConfigException(
          "grid",
          String.join(", ", sizes),
          "expands to "
              + (cells == Long.MAX_VALUE ? "more than 9.2e18" : String.format("%,d", cells))
              + " cells, more than the limit of "
              + String.format("%,d", maxCells)
              + " (split the sweep, or raise the limit with --max-cells)");
    }
    return spec;
  }

  public String name() {
    return name;
  }

  public String sourceYaml() {
    return sourceYaml;
  }

  /** The sweep's SAE analysis settings (its {@code sae:} section, else the defaults). */
  public SaeSettings sae() {
    return sae;
  }

  /** The sweep's grokking-metric thresholds (its {@code grokking:} section, else the defaults). */
  public GrokkingSettings grokking() {
    return grokking;
  }

  /**
   * Every cell of the grid, resolved and validated, in grid order, then the references its
   * intervened cells need that the grid lacks (each marked {@link CellSpec#addedReference}).
   */
  public List<CellSpec> cells() {
    List<CellSpec> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int[] index = new int[axisGroups.size()];
    while (true) {
      Map<String, Object> cellTree = deepCopy(tree);
      Map<String, Object> coords = new LinkedHashMap<>();
      for (int g = 0; g < axisGroups.size(); g++) {
        for (Axis axis : axisGroups.get(g)) {
          Object value = axis.values().get(index[g]);
          put(cellTree, axis.path(), value);
          coords.put(axis.path(), value);
        }
      }
      CellSpec cell = resolve(cellTree, coords);
      if (!seen.add(cell.cellId())) {
        throw new ConfigException(
            "grid", coords, "repeats a cell that an earlier combination already defines");
      }
      sae.validateFor(
          cell.config().model(), coords.isEmpty() ? "the sweep's model" : "the cell " + coords);
      out.add(cell);
      int g = axisGroups.size() - 1;
      while (g >= 0 && ++index[g] == axisGroups.get(g).get(0).values().size()) {
        index[g] = 0;
        g--;
      }
      if (g < 0) {
        return withReferences(out);
      }
    }
  }

  private static List<CellSpec> withReferences(List<CellSpec> grid) {
    List<CellSpec> out = new ArrayList<>(grid);
    Set<String> ids = new HashSet<>();
    grid.forEach(c -> ids.add(c.cellId()));
    for (CellSpec c : grid) {
      if (c.intervened()) {
        CellSpec ref = CellSpec.referenceOf(c);
        if (ids.add(ref.cellId())) {
          out.add(ref);
        }
      }
    }
    return out;
  }

  private CellSpec resolve(Map<String, Object> cellTree, Map<String, Object> coords) {
    CellConfig config;
    try {
      config = CellConfig.fromTree(cellTree);
    } catch (ConfigException e) {
      if (coords.isEmpty()) {
        throw e;
      }
      throw e.within("in the cell " + coords);
    }
    return CellSpec.of(name, config, coords);
  }

  @SuppressWarnings("unchecked")
  private static void collectAxes(String path, Object node, List<Axis> axes) {
    if (node instanceof Map<?, ?> map) {
      if (map.size() == 1 && map.containsKey("range")) {
        axes.add(new Axis(path, rangeValues(path, map.get("range"))));
        return;
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String child = path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey();
        collectAxes(child, e.getValue(), axes);
      }
    } else if (node instanceof List<?> list) {
      if (LIST_VALUED.contains(path)) {
        if (list.stream().anyMatch(v -> v instanceof List)) {
          throw new ConfigException(
              path,
              list,
              "cannot be a grid axis: it changes no cell's training, so every value would define the same cell");
        }
        return;
      }
      if (list.isEmpty()) {
        throw new ConfigException(
            path, "[]", "an axis needs at least one value (the grid would be empty)");
      }
      List<Object> values = new ArrayList<>();
      for (Object v : list) {
        if (v instanceof List) {
          throw new ConfigException(path, list, "axis values cannot themselves be lists");
        }
        if (v instanceof Map<?, ?> m) {
          values.addAll(alternatives(path, (Map<String, Object>) m));
        } else {
          values.add(v);
        }
      }
      axes.add(new Axis(path, values));
    }
  }

  /**
   * The mappings one value of an axis of mappings stands for: itself, or, when it holds axes of its
   * own, one mapping per combination of them. A list of mappings is so a union of grids, e.g.
   * {@code intervention: [{kind: project, strength: [0.5, 1]}, {kind: kick}]} is three values.
   */
  private static List<Object> alternatives(String path, Map<String, Object> map) {
    List<Axis> inner = new ArrayList<>();
    collectAxes("", map, inner);
    if (inner.isEmpty()) {
      return List.of(map);
    }
    List<Object> out = new ArrayList<>();
    int[] index = new int[inner.size()];
    while (true) {
      Map<String, Object> one = deepCopy(map);
      for (int a = 0; a < inner.size(); a++) {
        put(one, inner.get(a).path(), inner.get(a).values().get(index[a]));
      }
      out.add(one);
      int a = inner.size() - 1;
      while (a >= 0 && ++index[a] == inner.get(a).values().size()) {
        index[a] = 0;
        a--;
      }
      if (a < 0) {
        return out;
      }
    }
  }

  private static List<Object> rangeValues(String path, Object range) {
    if (range instanceof List<?> l
        && l.size() == 2
        && l.get(0) instanceof Integer a
        && l.get(1) instanceof Integer b) {
      if (b <= a) {
        throw new ConfigException(
            path + ".range", l, "is empty (the end is exclusive and must exceed the start)");
      }
      List<Object> out = new ArrayList<>();
      for (int i = a; i < b; i++) {
        out.add(i);
      }
      return out;
    }
    throw new ConfigException(
        path + ".range", describe(range), "must be [start, end) with two integers");
  }

  private static List<List<Axis>> groupAxes(List<Axis> axes, Object zip) {
    Map<String, Axis> byPath = new LinkedHashMap<>();
    axes.forEach(a -> byPath.put(a.path(), a));
    List<List<Axis>> groups = new ArrayList<>();
    Set<String> zipped = new HashSet<>();
    if (zip != null) {
      if (!(zip instanceof List<?> zl)) {
        throw new ConfigException(
            "zip",
            describe(zip),
            "must be a list of lists of axis keys, e.g. [[train.init_seed, train.data_seed]]");
      }
      for (Object g : zl) {
        if (!(g instanceof List<?> keys) || keys.size() < 2) {
          throw new ConfigException(
              "zip", describe(g), "each group must list at least two axis keys");
        }
        List<Axis> group = new ArrayList<>();
        for (Object k : keys) {
          Axis a = byPath.get(String.valueOf(k));
          if (a == null) {
            throw new ConfigException(
                "zip", describe(k), "is not a grid axis (only keys given as lists can be zipped)");
          }
          if (!zipped.add(a.path())) {
            throw new ConfigException("zip", describe(k), "appears in more than one zip group");
          }
          if (a.values().size()
              != group.stream().findFirst().map(x -> x.values().size()).orElse(a.values().size())) {
            throw new ConfigException(
                "zip", keys, "zipped axes must have the same number of values");
          }
          group.add(a);
        }
        groups.add(group);
      }
    }
    for (Axis a : axes) {
      if (!zipped.contains(a.path())) {
        groups.add(List.of(a));
      }
    }
    return groups;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      out.put(
          e.getKey(),
          e.getValue() instanceof Map
              ? deepCopy((Map<String, Object>) e.getValue())
              : e.getValue());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> tree, String path, Object value) {
    String[] parts = path.split("\\.");
    Map<String, Object> node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      node = (Map<String, Object>) node.get(parts[i]);
    }
    node.put(parts[parts.length - 1], value);
  }
}
