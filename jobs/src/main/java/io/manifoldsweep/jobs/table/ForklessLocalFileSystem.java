package io.manifoldsweep.jobs.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's file:// FileSystem, setting permissions with {@code chmod(2)} through java.nio instead
 * of a {@code chmod} process.
 *
 * <p>Without Hadoop's native library, which Maven Central does not carry, {@link
 * RawLocalFileSystem} starts a {@code chmod} process for every file it creates (and its {@code
 * .crc}) and every folder it makes. A create took 12 ms and a mkdirs 6 ms that way, about 20
 * processes a committed cell, and in a sweep on local[2] each process also takes time from the
 * other cell's core. Everything else is Hadoop's own: checksums, renames, listings.
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {
  /** The Hadoop setting that picks the file:// implementation. */
  public static final String SETTING = "fs.file.impl";

  /**
   * {@link #SETTING} as a Spark property, which Spark hands to the driver's and executors' Hadoop.
   */
  public static final String SPARK_SETTING = "spark.hadoop." + SETTING;

  public ForklessLocalFileSystem() {
    super(new Raw());
  }

  /**
   * Makes file:// paths opened with {@code conf} use this class, unless {@code conf} names another.
   */
  public static Configuration install(Configuration conf) {
    if (conf.get(SETTING) == null) {
      conf.set(SETTING, ForklessLocalFileSystem.class.getName());
    }
    return conf;
  }

  /** A new Hadoop configuration (defaults and *-site.xml files) with this class for file://. */
  public static Configuration configuration() {
    return install(new Configuration());
  }

  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Set<PosixFilePermission> posix = posix(permission);
      if (posix == null) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), posix);
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(p, permission);
      }
    }

    /**
     * The nine rwx bits as java.nio's set; null for the sticky, setuid or setgid bits it cannot
     * set.
     */
    static Set<PosixFilePermission> posix(FsPermission permission) {
      if ((permission.toShort() & ~0777) != 0) {
        return null;
      }
      // without those bits Hadoop's symbolic form is exactly the nine-letter "rwxr-x---" java.nio
      // reads
      return PosixFilePermissions.fromString(permission.toString());
    }
  }
}
