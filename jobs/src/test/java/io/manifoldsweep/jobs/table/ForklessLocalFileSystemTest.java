package io.manifoldsweep.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files, folders and permissions come out as Hadoop's own LocalFileSystem leaves them. */
class ForklessLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  private FileSystem forkless;
  private FileSystem stock;

  @BeforeEach
  void open() throws IOException {
    // newInstance, not get: the JVM-wide cache hands out whichever file:// instance came first
    forkless = FileSystem.newInstance(dir.toUri(), ForklessLocalFileSystem.configuration());
    Configuration plain = new Configuration();
    plain.set(ForklessLocalFileSystem.SETTING, LocalFileSystem.class.getName());
    stock = FileSystem.newInstance(dir.toUri(), plain);
  }

  @AfterEach
  void close() throws IOException {
    forkless.close();
    stock.close();
  }

  @Test
  void itsConfigurationPicksItForFileUrisAndKeepsAnImplementationAlreadyNamed() {
    assertThat(forkless).isInstanceOf(ForklessLocalFileSystem.class);
    Configuration named = new Configuration();
    named.set(ForklessLocalFileSystem.SETTING, LocalFileSystem.class.getName());
    assertThat(ForklessLocalFileSystem.install(named).get(ForklessLocalFileSystem.SETTING))
        .isEqualTo(LocalFileSystem.class.getName());
  }

  @Test
  void createdFilesAndFoldersGetTheStockPermissionsAndChecksums() throws IOException {
    for (FileSystem fs : new FileSystem[] {forkless, stock}) {
      String name = fs == forkless ? "forkless" : "stock";
      Path folder = new Path(dir.resolve(name).toUri());
      assertThat(fs.mkdirs(new Path(folder, "a/b"))).isTrue();
      try (FSDataOutputStream out = fs.create(new Path(folder, "a/b/data"))) {
        out.writeUTF(name);
      }
    }
    for (String rel : new String[] {"", "/a", "/a/b", "/a/b/data", "/a/b/.data.crc"}) {
      assertThat(permissions("forkless" + rel)).as(rel).isEqualTo(permissions("stock" + rel));
    }
    assertThat(permissions("forkless/a/b")).isEqualTo("rwxr-xr-x");
    assertThat(permissions("forkless/a/b/data")).isEqualTo("rw-r--r--");
    try (var in = forkless.open(new Path(dir.resolve("forkless/a/b/data").toUri()))) {
      assertThat(in.readUTF()).isEqualTo("forkless");
    }
  }

  @Test
  void createsAndMkdirsStartNoChmodProcessWhereHadoopsOwnStartsOneForEach() throws IOException {
    assertThat(chmodsStartedBy(forkless, "forkless")).isZero();
    assertThat(chmodsStartedBy(stock, "stock")).isGreaterThanOrEqualTo(6);
  }

  @Test
  void setPermissionSetsExactlyTheNineBitsAndFallsBackForTheStickyBit() throws IOException {
    Path file = new Path(dir.resolve("f").toUri());
    forkless.create(file).close();
    forkless.setPermission(file, new FsPermission((short) 0640));
    assertThat(permissions("f")).isEqualTo("rw-r-----");
    forkless.setPermission(file, new FsPermission((short) 0));
    assertThat(permissions("f")).isEqualTo("---------");

    Path shared = new Path(dir.resolve("shared").toUri());
    forkless.mkdirs(shared);
    forkless.setPermission(shared, new FsPermission((short) 01777));
    assertThat(permissions("shared")).isEqualTo("rwxrwxrwx");
    assertThat(forkless.getFileStatus(shared).getPermission().getStickyBit()).isTrue();
  }

  @Test
  void aMissingPathFailsLikeHadoopsOwn() {
    Path missing = new Path(dir.resolve("missing").toUri());
    assertThatThrownBy(() -> forkless.setPermission(missing, new FsPermission((short) 0644)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> stock.setPermission(missing, new FsPermission((short) 0644)))
        .isInstanceOf(IOException.class);
  }

  /** chmod processes JFR saw start while {@code fs} made three folders and three files. */
  private long chmodsStartedBy(FileSystem fs, String name) throws IOException {
    java.nio.file.Path file = dir.resolve(name + ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ProcessStart");
      recording.start();
      for (int i = 0; i < 3; i++) {
        Path folder = new Path(dir.resolve(name + "/" + i).toUri());
        fs.mkdirs(folder);
        fs.create(new Path(folder, "part")).close();
      }
      recording.stop();
      recording.dump(file);
    }
    return RecordingFile.readAllEvents(file).stream()
        .filter(
            e ->
                e.getEventType().getName().equals("jdk.ProcessStart")
                    && e.getString("command").startsWith("chmod"))
        .count();
  }

  private String permissions(String rel) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(rel)));
  }
}
