package io.manifoldsweep;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions fixed at build time, written into every result row as provenance. */
public final class BuildInfo {
  private static final Properties PROPS = load();

  private BuildInfo() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read build.properties", e);
    }
    return p;
  }

  public static String projectVersion() {
    return PROPS.getProperty("project.version", "dev");
  }

  public static String nd4jVersion() {
    return PROPS.getProperty("nd4j.version", "unknown");
  }
}
