package io.manifoldsweep.jobs.table;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.GroupWriter;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
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
     * BYTE_STREAM_SPLIT for floating-point columns, zstd. Smaller, but Spark 4.1's vectorized
     * reader rejects it ("Unsupported encoding: BYTE_STREAM_SPLIT"), so it is only measured, never
     * stored.
     */
    BYTE_STREAM_SPLIT_ZSTD
  }

  /** Small row groups keep a writer's memory bounded while a long run streams its snapshots. */
  private static final long ROW_GROUP_BYTES = 16L << 20;

  private ParquetFiles() {}

  /**
   * Writes the rows of {@code parts}, in order, into one file at {@code target}: the
   * one-file-per-cell layout of a cell that was resumed. A single part is renamed rather than
   * copied; no part gives an empty file of the schema.
   */
  public static void concat(
      Configuration conf, List<Path> parts, MessageType schema, Path target, Encoding encoding)
      throws IOException {
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
        try (ParquetReader<Group> r =
            ParquetReader.builder(new GroupReadSupport(), part).withConf(conf).build()) {
          for (Group g = r.read(); g != null; g = r.read()) {
            w.write(g.getType().equals(schema) ? g : widened(g, schema));
          }
        }
      }
    }
  }

  /**
   * A row of an older part in a schema that has gained optional columns since: its fields copied by
   * name, the new ones left null.
   */
  private static Group widened(Group g, MessageType schema) {
    Group out = new SimpleGroup(schema);
    GroupType from = g.getType();
    for (int f = 0; f < from.getFieldCount(); f++) {
      int to = schema.getFieldIndex(from.getFieldName(f));
      for (int i = 0; i < g.getFieldRepetitionCount(f); i++) {
        if (!from.getType(f).isPrimitive()) {
          out.add(to, g.getGroup(f, i));
          continue;
        }
        switch (from.getType(f).asPrimitiveType().getPrimitiveTypeName()) {
          case INT32 -> out.add(to, g.getInteger(f, i));
          case INT64 -> out.add(to, g.getLong(f, i));
          case FLOAT -> out.add(to, g.getFloat(f, i));
          case DOUBLE -> out.add(to, g.getDouble(f, i));
          case BOOLEAN -> out.add(to, g.getBoolean(f, i));
          default -> out.add(to, g.getBinary(f, i));
        }
      }
    }
    return out;
  }

  public static ParquetWriter<Group> writer(
      Configuration conf, Path path, MessageType schema, Encoding encoding) throws IOException {
    return configure(
            ExampleParquetWriter.builder(HadoopOutputFile.fromPath(path, conf)).withType(schema),
            conf,
            encoding)
        .build();
  }

  /**
   * A writer of rows that write their own fields: what rows of long float arrays need (see {@link
   * Row}).
   */
  public static ParquetWriter<Row> rowWriter(
      Configuration conf, Path path, MessageType schema, Encoding encoding) throws IOException {
    return configure(
            new RowWriterBuilder(HadoopOutputFile.fromPath(path, conf), schema), conf, encoding)
        .build();
  }

  private static <T, B extends ParquetWriter.Builder<T, B>> B configure(
      B b, Configuration conf, Encoding encoding) {
    b =
        b.withConf(conf)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withRowGroupSize(ROW_GROUP_BYTES)
            // parquet-mr first measures a row group after 100 rows: 100 snapshot or commutator
            // rows of a paper-sized model are hundreds of MB, far past the group's size (and it
            // logs a dump of its buffers). Measuring from the first row lets it estimate from
            // there.
            .withMinRowCountForPageSizeCheck(1)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0);
    return switch (encoding) {
      case DEFAULT_SNAPPY -> b.withCompressionCodec(CompressionCodecName.SNAPPY);
      case PLAIN_ZSTD ->
          b.withCompressionCodec(CompressionCodecName.ZSTD).withDictionaryEncoding(false);
      case BYTE_STREAM_SPLIT_ZSTD ->
          b.withCompressionCodec(CompressionCodecName.ZSTD)
              .withByteStreamSplitEncoding(true)
              .withDictionaryEncoding(false);
    };
  }

  /**
   * One row, written as a whole message (start to end) straight to Parquet's record consumer. A
   * snapshot built with the example Group API costs a Group object and a field-name lookup per
   * float: twice the time per float of writing it directly (112 against 57 ns here), and snapshots
   * are a recorded cell's largest write.
   */
  @FunctionalInterface
  public interface Row {
    void writeTo(RecordConsumer out);

    /** A row built with the example Group API. */
    static Row of(Group group) {
      return out -> new GroupWriter(out, group.getType()).write(group);
    }
  }

  private static final class RowWriterBuilder extends ParquetWriter.Builder<Row, RowWriterBuilder> {
    private final MessageType schema;

    RowWriterBuilder(OutputFile file, MessageType schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected RowWriterBuilder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema);
    }
  }

  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final MessageType schema;
    private RecordConsumer out;

    RowWriteSupport(MessageType schema) {
      this.schema = schema;
    }

    @Override
    public WriteContext init(Configuration conf) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer consumer) {
      this.out = consumer;
    }

    @Override
    public void write(Row row) {
      row.writeTo(out);
    }
  }
}
