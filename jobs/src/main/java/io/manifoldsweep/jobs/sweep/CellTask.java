package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.sweep.CellSpec;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * The Spark task of one cell: the cell travels resolved from the driver, which checked it; the task
 * opens the folder on the executor and runs it.
 */
final class CellTask implements Function<CellSpec, CellRunner.Outcome> {
  private final String rootUri;
  private final Map<String, String> hadoopConf;
  private final int maxAttempts;
  private final String sparkVersion;
  private final SweepHooks hooks;

  CellTask(
      String rootUri,
      Map<String, String> hadoopConf,
      int maxAttempts,
      String sparkVersion,
      SweepHooks hooks) {
    this.rootUri = rootUri;
    this.hadoopConf = hadoopConf;
    this.maxAttempts = maxAttempts;
    this.sparkVersion = sparkVersion;
    this.hooks = hooks;
  }

  @Override
  public CellRunner.Outcome call(CellSpec cell) throws Exception {
    Configuration conf = new Configuration(false);
    hadoopConf.forEach(conf::set);
    TaskContext tc = TaskContext.get();
    int attempt = tc.attemptNumber();
    SparkEnv env = SparkEnv.get();
    CellRunner.Context ctx =
        new CellRunner.Context(
            Math.max(1, tc.cpus()),
            attempt,
            attempt + 1 >= maxAttempts,
            sparkVersion,
            env.conf().getAppId(),
            env.executorId());
    return CellRunner.run(cell, SweepFolder.at(conf, rootUri), ctx, hooks);
  }
}
