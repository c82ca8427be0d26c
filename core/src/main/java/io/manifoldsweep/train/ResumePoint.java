package io.manifoldsweep.train;

import io.manifoldsweep.optim.Optimizer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stood after step {@code step} and all of that step's records: enough to continue it
 * so that what it records from there on is bit for bit what an uninterrupted run records. Batches,
 * eval and probe sets are pure functions of seeds and steps, so the state is the weights, the
 * optimizer, the running train-loss sum, and the bookkeeping for the runs row.
 *
 * @param trainingSeconds wall time spent training up to here, over every attempt
 * @param recordingSeconds the part of it spent recording
 * @param resumedFrom the steps earlier attempts resumed from, oldest first
 * @param stopRun consecutive evals at an early stop's threshold
 * @param stopAt the step the run stops at early, or -1
 */
public record ResumePoint(
    long step,
    double[] params,
    Optimizer.State optimizer,
    double lossSum,
    int lossCount,
    double lastAccuracy,
    double trainingSeconds,
    double recordingSeconds,
    List<Long> resumedFrom,
    int stopRun,
    long stopAt) {

  /** Bumped whenever the layout below changes; a point of another version is not used. */
  static final int FORMAT = 3;

  /** Format 2 lacks the early stop's state, which a run without one never had. */
  private static final int FORMAT_WITHOUT_STOP = 2;

  private static final int MAGIC = 0x4d535250; // "MSRP"

  public ResumePoint {
    resumedFrom = List.copyOf(resumedFrom);
  }

  /**
   * Writes the point in a fixed binary layout; doubles go as their IEEE bits, so nothing rounds.
   */
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    out.writeLong(step);
    writeVector(out, params);
    out.writeLong(optimizer.steps());
    out.writeBoolean(optimizer.started());
    out.writeInt(optimizer.vectors().size());
    for (double[] v : optimizer.vectors()) {
      writeVector(out, v);
    }
    out.writeDouble(lossSum);
    out.writeInt(lossCount);
    out.writeDouble(lastAccuracy);
    out.writeDouble(trainingSeconds);
    out.writeDouble(recordingSeconds);
    out.writeInt(resumedFrom.size());
    for (long s : resumedFrom) {
      out.writeLong(s);
    }
    out.writeInt(stopRun);
    out.writeLong(stopAt);
  }

  /**
   * Reads what {@link #write} wrote; anything else (another format, a truncated file) is an
   * IOException.
   */
  public static ResumePoint read(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a manifold-sweep resume point");
    }
    int format = in.readInt();
    if (format != FORMAT && format != FORMAT_WITHOUT_STOP) {
      throw new IOException("resume point of format " + format + ", this version reads " + FORMAT);
    }
    long step = in.readLong();
    double[] params = readVector(in);
    long optSteps = in.readLong();
    boolean started = in.readBoolean();
    int vectors = in.readInt();
    List<double[]> opt = new ArrayList<>();
    for (int i = 0; i < vectors; i++) {
      opt.add(readVector(in));
    }
    double lossSum = in.readDouble();
    int lossCount = in.readInt();
    double lastAccuracy = in.readDouble();
    double seconds = in.readDouble();
    double recording = in.readDouble();
    int n = in.readInt();
    List<Long> from = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      from.add(in.readLong());
    }
    int stopRun = format == FORMAT ? in.readInt() : 0;
    long stopAt = format == FORMAT ? in.readLong() : -1;
    return new ResumePoint(
        step,
        params,
        new Optimizer.State(optSteps, started, opt),
        lossSum,
        lossCount,
        lastAccuracy,
        seconds,
        recording,
        from,
        stopRun,
        stopAt);
  }

  private static void writeVector(DataOutputStream out, double[] v) throws IOException {
    out.writeInt(v.length);
    for (double x : v) {
      out.writeLong(Double.doubleToRawLongBits(x));
    }
  }

  private static double[] readVector(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt resume point: vector of length " + n);
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Double.longBitsToDouble(in.readLong());
    }
    return v;
  }
}
