package io.manifoldsweep.jobs.table;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
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
