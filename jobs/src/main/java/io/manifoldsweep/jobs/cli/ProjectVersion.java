package io.manifoldsweep.jobs.cli;

import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into the jar manifest ("dev" when run from classes). */
public final class ProjectVersion implements IVersionProvider {
  public static String get() {
    String v = ProjectVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"manifold-sweep " + get()};
  }
}
