package io.manifoldsweep.jobs.table;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * A data file as its cell committed it, recorded in the cell's runs row ({@code data_files}), the
 * way Iceberg's manifests record each data file's size and row count: what {@code verify} checks
 * the file against, so that a reader knows a file is not what was written.
 *
 * @param table the table the file belongs to
 * @param path its path under the results folder, e.g. {@code snapshots/0a1b2c3d4e5f6071.parquet}
 * @param bytes its length
 * @param crc32c the CRC-32C of its bytes, 8 hex digits
 * @param rows the rows its footer counts
 */
public record CommittedFile(String table, String path, long bytes, String crc32c, long rows) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads back a file that has just been moved into place in its table's folder. */
  public static CommittedFile of(FileSystem fs, String table, Path file) throws IOException {
    return new CommittedFile(
        table,
        table + "/" + file.getName(),
        fs.getFileStatus(file).getLen(),
        crc32c(fs, file),
        rows(fs.getConf(), file));
  }

  /** The CRC-32C of a file's bytes, 8 hex digits. */
  public static String crc32c(FileSystem fs, Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = fs.open(file)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        crc.update(buf, 0, n);
      }
    }
    return String.format("%08x", crc.getValue());
  }

  /** The rows a Parquet file's footer counts; fails on a file whose footer cannot be read. */
  public static long rows(Configuration conf, Path file) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      return r.getRecordCount();
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  public static String toJson(List<CommittedFile> files) {
    try {
      return JSON.writeValueAsString(files);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static List<CommittedFile> fromJson(String json) throws IOException {
    return JSON.readValue(json, new TypeReference<List<CommittedFile>>() {});
  }
}
