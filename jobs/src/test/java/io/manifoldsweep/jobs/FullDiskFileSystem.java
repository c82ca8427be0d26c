package io.manifoldsweep.jobs;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system with a disk that fills: files created under {@link #under} may take {@link
 * #left} bytes in all, and a write past that fails as a full disk does ("No space left on device").
 * Named with {@code spark.hadoop.fs.file.impl} (and the cache off) by a test.
 */
public class FullDiskFileSystem extends LocalFileSystem {
  public static final AtomicLong left = new AtomicLong(Long.MAX_VALUE);
  public static volatile String under = "/nonexistent/";

  @Override
  public FSDataOutputStream create(
      Path f,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    FSDataOutputStream out =
        super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    if (!pathToFile(f).getAbsolutePath().startsWith(under)) {
      return out;
    }
    return new FSDataOutputStream(new Filling(out), null);
  }

  private static void take(long bytes) throws IOException {
    if (left.addAndGet(-bytes) < 0) {
      throw new IOException("No space left on device");
    }
  }

  private static final class Filling extends FilterOutputStream {
    Filling(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      take(1);
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      take(len);
      out.write(b, off, len);
    }
  }
}
