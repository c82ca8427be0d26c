package io.manifoldsweep.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Memory for one forward/backward pass, reused by the next pass of the same name on this thread.
 *
 * <p>The model's activations come from {@link #array}: a per-thread list of arrays handed out in
 * call order, which a pass with the same shapes as the previous one gets back without creating
 * anything. Creating an ND4J array, even inside a workspace, registers its data and shape buffers
 * with ND4J's deallocator, and every young collection copies that bookkeeping while all tasks of an
 * executor wait: the model's 40 arrays a step made 60% of a small cell's heap allocation.
 *
 * <p>The ND4J workspace of the same name stays open during the pass for the remaining ND4J ops (the
 * MLP's GELU, the probes): without one ND4J is several times slower and native memory grows without
 * bound.
 */
public final class Workspaces {
  private static final WorkspaceConfiguration CONFIG =
      WorkspaceConfiguration.builder()
          .initialSize(0)
          .policyLearning(LearningPolicy.FIRST_LOOP)
          .policyAllocation(AllocationPolicy.OVERALLOCATE)
          .overallocationLimit(0.2)
          .policySpill(SpillPolicy.REALLOCATE)
          .build();

  private static final ThreadLocal<Map<String, Pool>> POOLS = ThreadLocal.withInitial(HashMap::new);
  private static final ThreadLocal<Pool> ACTIVE = new ThreadLocal<>();

  private Workspaces() {}

  /** An open pass; closing it lets the next pass of its name reuse everything it was given. */
  public static final class Scope implements AutoCloseable {
    private final Pool pool;
    private final Pool outer;
    private final MemoryWorkspace workspace;

    private Scope(Pool pool, Pool outer, MemoryWorkspace workspace) {
      this.pool = pool;
      this.outer = outer;
      this.workspace = workspace;
    }

    @Override
    public void close() {
      pool.open = false;
      ACTIVE.set(outer);
      workspace.close();
    }
  }

  /**
   * Opens a pass named {@code name} on this thread. Passes may nest under different names; one
   * nested in a pass of its own name would hand out the outer pass's arrays, and is refused.
   */
  public static Scope open(String name) {
    Pool pool = POOLS.get().computeIfAbsent(name, n -> new Pool());
    if (pool.open) {
      throw new IllegalStateException("a pass named '" + name + "' is already open on this thread");
    }
    pool.open = true;
    pool.cursor = 0;
    Pool outer = ACTIVE.get();
    ACTIVE.set(pool);
    return new Scope(pool, outer, Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, name));
  }

  /**
   * An uninitialised c-order array for the open pass, valid until the pass closes; outside any pass
   * (the tests call the model directly) a new array.
   */
  public static INDArray array(DataType type, long... shape) {
    Pool pool = ACTIVE.get();
    return pool == null ? Nd4j.createUninitialized(type, shape) : pool.next(type, shape);
  }

  /**
   * Bytes of the arrays that this thread's passes (every name) hold for reuse: the activation
   * memory a cell keeps between its steps, which {@code CellMemory} estimates from the config.
   */
  public static long pooledBytes() {
    long bytes = 0;
    for (Pool pool : POOLS.get().values()) {
      for (INDArray a : pool.arrays) {
        bytes += a.length() * a.dataType().width();
      }
    }
    return bytes;
  }

  /** As {@link #array}, filled with zeros. */
  public static INDArray zeros(DataType type, long... shape) {
    Pool pool = ACTIVE.get();
    if (pool == null) {
      return Nd4j.zeros(type, shape);
    }
    INDArray a = pool.next(type, shape);
    // the pool's arrays are whole buffers, so a memset of the buffer clears exactly the array
    Nd4j.getMemoryManager().memset(a);
    return a;
  }

  /** The arrays of one pass name, in the order the last pass asked for them. */
  private static final class Pool {
    private final List<INDArray> arrays = new ArrayList<>();
    private int cursor;
    private boolean open;

    INDArray next(DataType type, long[] shape) {
      if (cursor < arrays.size()) {
        INDArray a = arrays.get(cursor);
        if (a.dataType() == type && Arrays.equals(a.shape(), shape)) {
          cursor++;
          return a;
        }
      }
      INDArray fresh;
      try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        fresh = Nd4j.createUninitialized(type, shape);
      }
      if (cursor < arrays.size()) {
        // freed now rather than by the garbage collector, which does not see native memory: passes
        // whose shapes vary (the SAE analysis's ablated subsets) would otherwise grow it without
        // bound
        INDArray old = arrays.set(cursor, fresh);
        if (old.closeable()) {
          old.close();
        }
      } else {
        arrays.add(fresh);
      }
      cursor++;
      return fresh;
    }
  }
}
