package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the project and the ND4J it was built with. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {
      "manifold-sweep " + BuildInfo.projectVersion() + " (ND4J " + BuildInfo.nd4jVersion() + ")"
    };
  }
}
