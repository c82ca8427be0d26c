package io.manifoldsweep.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.record.CheckpointRecord;
import io.manifoldsweep.record.CommutatorRecord;
import io.manifoldsweep.record.SnapshotRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows the sink writes field by field read back, through Parquet's own reader, as they were
 * recorded.
 */
class ParquetRecordSinkTest {
  @TempDir java.nio.file.Path dir;

  private final Configuration conf = new Configuration();

  @Test
  void snapshotsCheckpointsAndCommutatorsReadBackAsRecorded() throws IOException {
    float[] values = {1.5f, -0f, Float.MIN_VALUE, -3.25e7f, 0.1f};
    float[] params = {7f, 8f, 9f};
    float[] delta = {-1e-9f, 2e-9f};
    ParquetRecordSink sink = sink();
    try (sink) {
      sink.snapshot(new SnapshotRecord(300, "layer1.wq", values));
      sink.snapshot(new SnapshotRecord(400, "layer0.wo", new float[0]));
      sink.checkpoint(new CheckpointRecord(2000, params));
      sink.commutator(new CommutatorRecord(500, 9, 0.25, 0.75, -0.125, delta, 3e-6, 4e-7));
      sink.commutator(new CommutatorRecord(1000, 3, 1.0, 2.0, 0.5, null, 5e-6, 6e-7));
    }

    List<Group> snapshots = rows(sink, Tables.SNAPSHOTS);
    assertThat(snapshots).hasSize(2);
    assertThat(snapshots.get(0).getString("cell_id", 0)).isEqualTo("cell-x");
    assertThat(snapshots.get(0).getLong("step", 0)).isEqualTo(300);
    assertThat(snapshots.get(0).getString("block", 0)).isEqualTo("layer1.wq");
    assertThat(floats(snapshots.get(0), "values")).containsExactly(values);
    assertThat(snapshots.get(1).getLong("step", 0)).isEqualTo(400);
    assertThat(floats(snapshots.get(1), "values")).isEmpty();

    List<Group> checkpoints = rows(sink, Tables.CHECKPOINTS);
    assertThat(checkpoints).hasSize(1);
    assertThat(checkpoints.get(0).getLong("step", 0)).isEqualTo(2000);
    assertThat(floats(checkpoints.get(0), "params")).containsExactly(params);

    List<Group> commutators = rows(sink, Tables.COMMUTATORS);
    assertThat(commutators).hasSize(2);
    Group c = commutators.get(0);
    assertThat(c.getLong("step", 0)).isEqualTo(500);
    assertThat(c.getInteger("pairs", 0)).isEqualTo(9);
    assertThat(c.getDouble("defect_median", 0)).isEqualTo(0.25);
    assertThat(c.getDouble("defect_p90", 0)).isEqualTo(0.75);
    assertThat(c.getDouble("grad_cos", 0)).isEqualTo(-0.125);
    assertThat(c.getString("delta_coords", 0)).isEqualTo("attention");
    assertThat(floats(c, "delta")).containsExactly(delta);
    assertThat(c.getDouble("delta_norm", 0)).isEqualTo(3e-6);
    assertThat(c.getDouble("delta_norm_outside_attention", 0)).isEqualTo(4e-7);
    Group withoutDelta = commutators.get(1);
    assertThat(withoutDelta.getFieldRepetitionCount("delta")).isZero();
    assertThat(withoutDelta.getDouble("delta_norm", 0)).isEqualTo(5e-6);
    assertThat(withoutDelta.getDouble("delta_norm_outside_attention", 0)).isEqualTo(6e-7);
  }

  private ParquetRecordSink sink() {
    return new ParquetRecordSink(
        conf,
        new Path(dir.toUri()),
        "cell-x",
        "attention",
        ParquetFiles.Encoding.PLAIN_ZSTD,
        "test",
        Map.of());
  }

  private List<Group> rows(ParquetRecordSink sink, String table) throws IOException {
    List<Group> out = new ArrayList<>();
    for (Path part : sink.parts().get(table)) {
      try (ParquetReader<Group> r =
          ParquetReader.builder(new GroupReadSupport(), part).withConf(conf).build()) {
        for (Group g = r.read(); g != null; g = r.read()) {
          out.add(g);
        }
      }
    }
    return out;
  }

  private static float[] floats(Group row, String field) {
    Group list = row.getGroup(field, 0);
    int n = list.getFieldRepetitionCount("list");
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = list.getGroup("list", i).getFloat("element", 0);
    }
    return out;
  }
}
