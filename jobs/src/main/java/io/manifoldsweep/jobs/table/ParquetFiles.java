package io.manifoldsweep.jobs.table;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;

/** Opens Parquet writers through the Hadoop FileSystem API, so any URI Hadoop knows works. */
public final class ParquetFiles {
  /** How float columns are laid out on disk. */
  public enum Encoding {
    /** Parquet's defaults: dictionary/plain pages, Snappy. */
    DEFAULT_SNAPPY,
    /** Plain pages, zstd: what the tables use. */
    PLAIN_ZSTD,
    /**
     * BYTE_STREAM_SPLIT for floating-point columns, zstd. Smaller, but Spark 4.1's vectorized reader
     * rejects it ("Unsupported encoding: BYTE_STREAM_SPLIT"), so it is only measured, never stored.
     */
    BYTE_STREAM_SPLIT_ZSTD
  }

  /** Small row groups keep a writer's memory bounded while a long run streams its snapshots. */
  private static final long ROW_GROUP_BYTES = 16L << 20;

  private ParquetFiles() {}

  /**
   * Writes the rows of {@code parts}, in order, into one file at {@code target}: the one-file-per-cell
   * layout of a cell that was resumed. A single part is renamed rather than copied; no part gives an
   * empty file of the schema.
   */
  public static void concat(Configuration conf, List<Path> parts, MessageType schema, Path target, Encoding encoding) throws IOException {
    FileSystem fs = target.getFileSystem(conf);
    fs.mkdirs(target.getParent());
    if (parts.size() == 1) {
      fs.delete(target, false);
      if (!fs.rename(parts.get(0), target)) {
        throw new IOException("cannot move " + parts.get(0) + " to " + target);
      }
      return;
    }
    try (ParquetWriter<Group> w = writer(conf, target, schema, encoding)) {
      for (Path part : parts) {
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), part).withConf(conf).build()) {
          for (Group g = r.read(); g != null; g = r.read()) {
            w.write(g);
          }
        }
      }
    }
  }

  public static ParquetWriter<Group> writer(Configuration conf, Path path, MessageType schema, Encoding encoding) throws IOException {
    ExampleParquetWriter.Builder b = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(path, conf))
        .withConf(conf)
        .withType(schema)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withRowGroupSize(ROW_GROUP_BYTES)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0);
    b = switch (encoding) {
      case DEFAULT_SNAPPY -> b.withCompressionCodec(CompressionCodecName.SNAPPY);
      case PLAIN_ZSTD -> b.withCompressionCodec(CompressionCodecName.ZSTD).withDictionaryEncoding(false);
      case BYTE_STREAM_SPLIT_ZSTD ->
          b.withCompressionCodec(CompressionCodecName.ZSTD).withByteStreamSplitEncoding(true).withDictionaryEncoding(false);
    };
    return b.build();
  }
}
