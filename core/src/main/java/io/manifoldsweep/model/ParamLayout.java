package io.manifoldsweep.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical parameter names, shapes and offsets of one model: the tensors row-major,
 * concatenated in the order of method section 2. This order is the flat vector that snapshots,
 * optimizers and commutators all use.
 */
public final class ParamLayout {
  /** The attention weight matrices whose trajectories are the object of study. */
  public static final List<String> BLOCK_MATRICES = List.of("wq", "wk", "wv", "wo");

  /** One tensor: its name, shape, offset in the flat vector and the fan-in that sets its init. */
  public record Entry(String name, long[] shape, long offset, long length, Init init, int fanIn) {}

  /** How a tensor is initialised (PyTorch defaults). */
  public enum Init {
    NORMAL,
    UNIFORM_FAN_IN,
    ONES,
    ZEROS
  }

  private final ModelSpec spec;
  private final List<Entry> entries;
  private final Map<String, Entry> byName;
  private final long size;

  private ParamLayout(ModelSpec spec, List<Entry> entries) {
    this.spec = spec;
    this.entries = Collections.unmodifiableList(entries);
    Map<String, Entry> map = new LinkedHashMap<>();
    long total = 0;
    for (Entry e : entries) {
      map.put(e.name(), e);
      total += e.length();
    }
    this.byName = Collections.unmodifiableMap(map);
    this.size = total;
  }

  public static ParamLayout of(ModelSpec spec) {
    Builder b = new Builder();
    int d = spec.dModel();
    b.add("tok_emb", Init.NORMAL, 0, spec.vocab(), d);
    b.add("pos_emb", Init.NORMAL, 0, spec.seqLen(), d);
    for (int i = 0; i < spec.layers(); i++) {
      String p = "layer" + i + ".";
      b.add(p + "ln1.gamma", Init.ONES, 0, d);
      b.add(p + "ln1.beta", Init.ZEROS, 0, d);
      for (String m : new String[] {"q", "k", "v", "o"}) {
        b.add(p + "attn.w" + m, Init.UNIFORM_FAN_IN, d, d, d);
        b.add(p + "attn.b" + m, Init.UNIFORM_FAN_IN, d, d);
      }
      if (spec.mlp()) {
        b.add(p + "ln2.gamma", Init.ONES, 0, d);
        b.add(p + "ln2.beta", Init.ZEROS, 0, d);
        b.add(p + "mlp.w1", Init.UNIFORM_FAN_IN, d, d, spec.dMlp());
        b.add(p + "mlp.b1", Init.UNIFORM_FAN_IN, d, spec.dMlp());
        b.add(p + "mlp.w2", Init.UNIFORM_FAN_IN, spec.dMlp(), spec.dMlp(), d);
        b.add(p + "mlp.b2", Init.UNIFORM_FAN_IN, spec.dMlp(), d);
      }
    }
    b.add("ln_f.gamma", Init.ONES, 0, d);
    b.add("ln_f.beta", Init.ZEROS, 0, d);
    b.add("head.w", Init.UNIFORM_FAN_IN, d, d, spec.classes());
    b.add("head.b", Init.UNIFORM_FAN_IN, d, spec.classes());
    return new ParamLayout(spec, b.entries);
  }

  public ModelSpec spec() {
    return spec;
  }

  public List<Entry> entries() {
    return entries;
  }

  public Entry entry(String name) {
    Entry e = byName.get(name);
    if (e == null) {
      throw new IllegalArgumentException("no parameter named '" + name + "'");
    }
    return e;
  }

  /** Total number of scalars. */
  public long size() {
    return size;
  }

  /** Snapshot block names {@code layer{i}.{wq,wk,wv,wo}} in canonical order. */
  public List<String> blockNames() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < spec.layers(); i++) {
      for (String m : BLOCK_MATRICES) {
        out.add("layer" + i + "." + m);
      }
    }
    return out;
  }

  /** The parameter behind a block name: {@code layer0.wq -> layer0.attn.wq}. */
  public Entry blockEntry(String block) {
    int dot = block.indexOf('.');
    return entry(block.substring(0, dot) + ".attn" + block.substring(dot));
  }

  /** Number of scalars in all attention blocks together. */
  public long attentionSize() {
    long n = 0;
    for (String b : blockNames()) {
      n += blockEntry(b).length();
    }
    return n;
  }

  private static final class Builder {
    private final List<Entry> entries = new ArrayList<>();
    private long offset;

    void add(String name, Init init, int fanIn, long... shape) {
      long len = 1;
      for (long s : shape) {
        len *= s;
      }
      entries.add(new Entry(name, shape, offset, len, init, fanIn));
      offset += len;
    }
  }
}
