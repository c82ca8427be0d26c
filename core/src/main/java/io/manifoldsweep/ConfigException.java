package io.manifoldsweep;

/**
 * A configuration value that cannot work. The message always names the key and quotes the value, so
 * a user can find the line in their YAML without reading a stack trace.
 */
public class ConfigException extends IllegalArgumentException {
  private final String key;

  public ConfigException(String key, Object value, String problem) {
    super(key + "=" + value + ": " + problem);
    this.key = key;
  }

  private ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The same problem, prefixed with where it happened (a grid cell, a file). */
  public ConfigException within(String context) {
    return new ConfigException(key, context + ": " + getMessage());
  }

  public String key() {
    return key;
  }

  /** A value as messages quote it: strings in single quotes, everything else as printed. */
  public static String describe(Object v) {
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    return String.valueOf(v);
  }

  /** Fails with a message naming {@code key} unless {@code value > 0}. */
  public static int requirePositive(String key, int value) {
    if (value <= 0) {
      throw new ConfigException(key, value, "must be a positive integer");
    }
    return value;
  }

  public static double requirePositive(String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new ConfigException(key, value, "must be a positive finite number");
    }
    return value;
  }

  public static double requireNonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new ConfigException(key, value, "must be a finite number >= 0");
    }
    return value;
  }
}
