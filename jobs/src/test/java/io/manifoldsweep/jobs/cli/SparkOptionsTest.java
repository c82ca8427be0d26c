package io.manifoldsweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import io.manifoldsweep.train.CellMemory;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkOptionsTest {
  private static SparkConf conf(Map<String, String> settings) {
    SparkConf sc = new SparkConf(false);
    settings.forEach(sc::set);
    return sc;
  }

  @Test
  void localModeTrainsAsManyCellsAtOnceAsItHasCoresPerTask() {
    assertThat(SparkOptions.concurrentCells("local", conf(Map.of()))).isEqualTo(1);
    assertThat(SparkOptions.concurrentCells("local[3]", conf(Map.of()))).isEqualTo(3);
    assertThat(SparkOptions.concurrentCells("local[3, 2]", conf(Map.of())))
        .as("with task retries")
        .isEqualTo(3);
    assertThat(SparkOptions.concurrentCells("local[*]", conf(Map.of())))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(SparkOptions.concurrentCells("local[4]", conf(Map.of("spark.task.cpus", "2"))))
        .isEqualTo(2);
    assertThat(SparkOptions.concurrentCells("local[1]", conf(Map.of("spark.task.cpus", "2"))))
        .isEqualTo(1);
    assertThat(SparkOptions.concurrentCells("local[99999999999]", conf(Map.of())))
        .as("a count Spark itself refuses")
        .isEqualTo(1);
  }

  @Test
  void aClusterExecutorTrainsItsCoresOverTaskCpusCellsAtOnce() {
    assertThat(
            SparkOptions.concurrentCells(
                "spark://127.0.0.1:7077",
                conf(Map.of("spark.executor.cores", "8", "spark.task.cpus", "2"))))
        .isEqualTo(4);
    assertThat(SparkOptions.concurrentCells("yarn", conf(Map.of())))
        .as("executor cores left to the cluster manager")
        .isEqualTo(1);
  }

  @Test
  void cellsThatFitAnExecutorAloneAreRefusedWhenItTrainsTwoAtOnce() {
    List<CellSpec> cells =
        SweepSpec.parse("name: fit\nmodel: {layers: 2, d_model: 64, heads: 2}\n", "fit").cells();
    long need = (long) CellMemory.bytes(cells.get(0).config());
    SparkOptions options = new SparkOptions();
    options.master = "spark://127.0.0.1:7077";
    options.conf.put("spark.executor.memory", (need * 3 / 2) + "b");
    options.conf.put("spark.executor.memoryOverhead", "0");
    options.conf.put("spark.executor.cores", "1");
    assertThatCode(() -> options.checkCellsFit(cells)).doesNotThrowAnyException();
    options.conf.put("spark.executor.cores", "2");
    assertThatThrownBy(() -> options.checkCellsFit(cells))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trains 2 cells at once")
        .hasMessageContaining("fewer cells on each");
  }
}
