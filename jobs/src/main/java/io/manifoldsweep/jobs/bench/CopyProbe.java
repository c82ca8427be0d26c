package io.manifoldsweep.jobs.bench;

import io.manifoldsweep.kernel.HostView;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The rate at which this thread moves native memory to the heap and back the way the kernels do:
 * blocks of 16 rows of 128 floats, read from one array and written to another, over a working set
 * the size of the step's. Memory bandwidth, not the kernels' arithmetic, bounds the Java part of a
 * step when its bytes divided by this rate come close to its time.
 */
final class CopyProbe {
  /** One kernel block: a canonical sequence, or a LayerNorm block, of rows. */
  private static final int BLOCK = 16 * 128;

  private CopyProbe() {}

  /**
   * Bytes read plus bytes written per second, the best of {@code reps} passes over {@code
   * workingSetBytes}.
   */
  static double bytesPerSecond(long workingSetBytes, int reps) {
    int floats =
        Math.toIntExact(Math.max(BLOCK, workingSetBytes / 2 / Float.BYTES / BLOCK * BLOCK));
    INDArray source = Nd4j.rand(DataType.FLOAT, floats);
    INDArray target = Nd4j.zeros(DataType.FLOAT, floats);
    HostView.Float32 from = HostView.Float32.view(source);
    HostView.Float32 to = HostView.Float32.view(target);
    float[] block = new float[BLOCK];
    long best = Long.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < floats; i += BLOCK) {
        from.read(i, block, 0, BLOCK);
        to.write(block, 0, i, BLOCK);
      }
      best = Math.min(best, System.nanoTime() - start);
    }
    return 2.0 * floats * Float.BYTES / (best / 1e9);
  }
}
