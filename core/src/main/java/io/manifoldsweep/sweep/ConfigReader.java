package io.manifoldsweep.sweep;

import io.manifoldsweep.ConfigException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to one mapping of a config tree. Every read names the full key path in its error,
 * and {@link #onlyKeys} turns a typo into an error instead of a silently ignored setting.
 */
final class ConfigReader {
  private final String path;
  private final Map<String, Object> map;

  ConfigReader(String path, Map<String, Object> map) {
    this.path = path;
    this.map = map;
  }

  @SuppressWarnings("unchecked")
  static ConfigReader of(String path, Object node) {
    if (node == null) {
      return new ConfigReader(path, Map.of());
    }
    if (!(node instanceof Map)) {
      throw new ConfigException(path, describe(node), "must be a mapping of keys to values");
    }
    return new ConfigReader(path, (Map<String, Object>) node);
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  boolean has(String name) {
    return map.containsKey(name);
  }

  Object raw(String name) {
    return map.get(name);
  }

  ConfigReader section(String name) {
    return of(key(name), raw(name));
  }

  int integer(String name, int dflt) {
    Object v = raw(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Integer i) {
      return i;
    }
    if (v instanceof Long l && l == (int) (long) l) {
      return (int) (long) l;
    }
    if (v instanceof Long || v instanceof java.math.BigInteger) {
      throw new ConfigException(
          key(name), describe(v), "is out of range (at most " + Integer.MAX_VALUE + ")");
    }
    throw new ConfigException(key(name), describe(v), "must be an integer");
  }

  long longValue(String name, long dflt) {
    Object v = raw(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.math.BigInteger) {
      throw new ConfigException(key(name), describe(v), "is out of the 64-bit integer range");
    }
    throw new ConfigException(key(name), describe(v), "must be an integer");
  }

  double number(String name, double dflt) {
    Object v = raw(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n && !(v instanceof java.math.BigInteger)) {
      if (!Double.isFinite(n.doubleValue())) {
        throw new ConfigException(key(name), describe(v), "must be a finite number");
      }
      return n.doubleValue();
    }
    throw new ConfigException(key(name), describe(v), "must be a number");
  }

  boolean bool(String name, boolean dflt) {
    Object v = raw(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new ConfigException(key(name), describe(v), "must be true or false");
  }

  String string(String name, String dflt) {
    Object v = raw(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String s) {
      return s;
    }
    throw new ConfigException(key(name), describe(v), "must be a string");
  }

  <E extends Enum<E>> E choice(String name, Class<E> type, E dflt) {
    Object v = raw(name);
    if (v == null) {
      return dflt;
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      String label = e.name().toLowerCase(Locale.ROOT);
      if (label.equals(v)) {
        return e;
      }
      allowed.append(allowed.length() == 0 ? "" : ", ").append(label);
    }
    throw new ConfigException(key(name), describe(v), "must be one of " + allowed);
  }

  /** Fails on the first key not in {@code allowed}, before any value is used. */
  ConfigReader onlyKeys(String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String k : map.keySet()) {
      if (!ok.contains(k)) {
        throw new ConfigException(
            key(k),
            describe(map.get(k)),
            "unknown key (expected one of " + String.join(", ", allowed) + ")");
      }
    }
    return this;
  }

  static String describe(Object v) {
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    return String.valueOf(v);
  }
}
