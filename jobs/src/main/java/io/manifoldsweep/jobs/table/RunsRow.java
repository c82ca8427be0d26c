package io.manifoldsweep.jobs.table;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * What a cell's runs file says about its commit: the status, and the data files it committed (none
 * recorded by folders written before {@code data_files} existed).
 */
public record RunsRow(String status, Optional<List<CommittedFile>> files) {
  public static final String DATA_FILES = "data_files";

  /** Whether the cell is committed: ok or diverged, never trained again; failed cells are. */
  public boolean committed() {
    return !status.equals("failed");
  }

  /** Reads a runs file; an unreadable or empty one is an IOException that names it. */
  public static RunsRow read(Configuration conf, Path path) throws IOException {
    try (ParquetReader<Group> r =
        ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
      Group row = r.read();
      if (row == null) {
        throw new IOException(path + " holds no row");
      }
      boolean recorded =
          row.getType().containsField(DATA_FILES) && row.getFieldRepetitionCount(DATA_FILES) > 0;
      return new RunsRow(
          row.getString("status", 0),
          recorded
              ? Optional.of(CommittedFile.fromJson(row.getString(DATA_FILES, 0)))
              : Optional.empty());
    } catch (RuntimeException e) {
      throw new IOException(path + " is not a readable runs file: " + e.getMessage(), e);
    }
  }
}
