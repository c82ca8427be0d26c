package io.manifoldsweep.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetFilesTest {
  @TempDir Path tmp;

  /**
   * Rows of half a megabyte each, as a large model's snapshots are: the writer closes a row group
   * near its 16 MB (as stored), not after the hundred rows parquet-mr waits for by default (all of
   * them here).
   */
  @Test
  void wideRowsCloseTheirRowGroupsNearTheirSize() throws Exception {
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(tmp.resolve("snapshots.parquet").toUri());
    SimpleGroupFactory rows = new SimpleGroupFactory(Tables.SNAPSHOTS_SCHEMA);
    int floats = 1 << 17;
    try (ParquetWriter<Group> w =
        ParquetFiles.writer(
            conf, file, Tables.SNAPSHOTS_SCHEMA, ParquetFiles.Encoding.PLAIN_ZSTD)) {
      for (int step = 0; step < 100; step++) {
        Group row = rows.newGroup().append("cell_id", "c").append("step", (long) step);
        row.append("block", "layer0.wq");
        Group list = row.addGroup("values");
        for (int i = 0; i < floats; i++) {
          // values that do not compress, as trained weights do not
          list.addGroup("list").append("element", (float) Math.sin(step * 1e3 + i));
        }
        w.write(row);
      }
    }
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      assertThat(r.getRecordCount()).isEqualTo(100);
      assertThat(r.getRowGroups()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(r.getRowGroups())
          .allSatisfy(g -> assertThat(g.getCompressedSize()).isLessThan(24L << 20));
    }
  }
}
