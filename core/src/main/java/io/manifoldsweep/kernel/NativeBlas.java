package io.manifoldsweep.kernel;

import io.manifoldsweep.kernel.CpuInfo.Simd;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The native libraries behind the model's products in this JVM, the kernels they chose for this
 * CPU, and one warning per JVM when a kernel is narrower than the CPU.
 *
 * <p>float32 matrix products (the training step's cost) go to oneDNN's {@code dnnl_sgemm}: on the
 * step's three shapes it measured fastest of oneDNN, OpenBLAS and MKL on the AMD cores and level
 * with MKL on the Intel one (docs/performance.md, "BLAS"). It JIT-compiles for the ISA it detects
 * at run time, so it never falls back to generic code on a CPU newer than its build. float64
 * products (the tests' reference precision), the bias and column-sum BLAS-2 calls and ND4J's own
 * ops go to OpenBLAS, which picks precompiled kernels from the CPU model once, when the library
 * loads, and falls back to generic SSE3 code for a model it does not know unless {@code
 * OPENBLAS_CORETYPE} names a core.
 */
public final class NativeBlas {
  private static volatile NativeBlas instance;

  private final CpuInfo cpu;
  private final String openblasVersion;
  private final String openblasCore;
  private final String onednnVersion;
  private final int onednnIsa;
  private final List<String> warnings;

  private NativeBlas(
      CpuInfo cpu,
      String openblasConfig,
      String openblasCore,
      String onednnVersion,
      int onednnIsa,
      Map<String, String> env) {
    this.cpu = cpu;
    String[] words = openblasConfig.trim().split("\\s+");
    this.openblasVersion = words.length > 1 ? words[1] : openblasConfig;
    this.openblasCore = openblasCore;
    this.onednnVersion = onednnVersion;
    this.onednnIsa = onednnIsa;
    this.warnings = warnings(cpu, openblasVersion, openblasCore, onednnIsa, env);
  }

  /** This JVM's libraries, loaded on the first call; prints any warning once, to standard error. */
  public static NativeBlas get() {
    NativeBlas b = instance;
    if (b == null) {
      synchronized (NativeBlas.class) {
        b = instance;
        if (b == null) {
          dnnl_version_t v = dnnl.dnnl_version();
          b =
              new NativeBlas(
                  CpuInfo.current(),
                  openblas_full.openblas_get_config().getString(),
                  openblas_full.openblas_get_corename().getString(),
                  v.major() + "." + v.minor() + "." + v.patch(),
                  dnnl.dnnl_get_effective_cpu_isa(),
                  System.getenv());
          b.warnings.forEach(w -> System.err.println("manifold-sweep: WARNING: " + w));
          instance = b;
        }
      }
    }
    return b;
  }

  public CpuInfo cpu() {
    return cpu;
  }

  /** The kernel set OpenBLAS chose, as it names it ("SkylakeX", "Cooperlake", "Prescott", ...). */
  public String openblasCore() {
    return openblasCore;
  }

  public Simd openblasLevel() {
    return openblasLevel(openblasCore);
  }

  public Simd onednnLevel() {
    return onednnLevel(onednnIsa);
  }

  public List<String> warnings() {
    return warnings;
  }

  /** Which library computes what, with versions and kernels: for logs, runs rows and benchmarks. */
  public String describe() {
    return "float32 gemm: oneDNN "
        + onednnVersion
        + " ("
        + onednnIsaName(onednnIsa)
        + "); float64 gemm, gemv/ger and ND4J: OpenBLAS "
        + openblasVersion
        + " ("
        + openblasCore
        + ")";
  }

  /**
   * The SIMD level of an OpenBLAS x86 core's kernels; anything older than Haswell counts as
   * baseline.
   */
  static Simd openblasLevel(String core) {
    return switch (core.toLowerCase(Locale.ROOT)) {
      case "skylakex", "cooperlake", "sapphirerapids" -> Simd.AVX512;
      case "haswell", "zen" -> Simd.AVX2;
      default -> Simd.BASELINE;
    };
  }

  /**
   * oneDNN's ISA values are bit sets: AVX-512 core is 0x27, AVX2 0x7, and wider ISAs include them.
   */
  static Simd onednnLevel(int isa) {
    if ((isa & dnnl.dnnl_cpu_isa_avx512_core) == dnnl.dnnl_cpu_isa_avx512_core) {
      return Simd.AVX512;
    }
    if ((isa & dnnl.dnnl_cpu_isa_avx2) == dnnl.dnnl_cpu_isa_avx2) {
      return Simd.AVX2;
    }
    return Simd.BASELINE;
  }

  static String onednnIsaName(int isa) {
    if (isa >= dnnl.dnnl_cpu_isa_avx10_1_512_amx) {
      return "avx512_core_amx";
    }
    if (isa >= dnnl.dnnl_cpu_isa_avx512_core_fp16) {
      return "avx512_core_fp16";
    }
    if (isa >= dnnl.dnnl_cpu_isa_avx512_core_bf16) {
      return "avx512_core_bf16";
    }
    if (isa >= dnnl.dnnl_cpu_isa_avx512_core_vnni) {
      return "avx512_core_vnni";
    }
    if (isa >= dnnl.dnnl_cpu_isa_avx512_core) {
      return "avx512_core";
    }
    if (isa >= dnnl.dnnl_cpu_isa_avx2) {
      return "avx2";
    }
    return isa >= dnnl.dnnl_cpu_isa_avx ? "avx" : "sse41";
  }

  /**
   * A warning per library whose kernels are narrower than the CPU's AVX2 or AVX-512, naming the
   * environment variable that fixes it; none on a CPU without AVX2, where narrow kernels are right.
   */
  static List<String> warnings(
      CpuInfo cpu,
      String openblasVersion,
      String openblasCore,
      int onednnIsa,
      Map<String, String> env) {
    List<String> out = new ArrayList<>();
    Simd want = cpu.level();
    if (want == Simd.BASELINE) {
      return out;
    }
    String forced = env.get("OPENBLAS_CORETYPE");
    Simd openblas = openblasLevel(openblasCore);
    if (openblas.compareTo(want) < 0) {
      String why =
          forced != null
              ? "because OPENBLAS_CORETYPE=" + forced + " forces them"
              : "because this OpenBLAS build does not know the CPU model";
      out.add(
          "OpenBLAS "
              + openblasVersion
              + " runs its '"
              + openblasCore
              + "' kernels, without "
              + CpuInfo.label(want)
              + ", on "
              + cpu.describe()
              + " "
              + why
              + ": float64 runs and ND4J's own ops will be "
              + (openblas == Simd.BASELINE ? "several times" : "up to twice")
              + " as slow. Start this JVM"
              + " with OPENBLAS_CORETYPE="
              + cpu.openblasCoreType()
              + " in its environment (submit/ sets it for this machine; on a"
              + " cluster pass --conf spark.executorEnv.OPENBLAS_CORETYPE="
              + cpu.openblasCoreType()
              + ").");
    }
    if (onednnLevel(onednnIsa).compareTo(want) < 0) {
      String cap =
          env.containsKey("ONEDNN_MAX_CPU_ISA")
              ? "ONEDNN_MAX_CPU_ISA=" + env.get("ONEDNN_MAX_CPU_ISA")
              : env.containsKey("DNNL_MAX_CPU_ISA")
                  ? "DNNL_MAX_CPU_ISA=" + env.get("DNNL_MAX_CPU_ISA")
                  : null;
      out.add(
          "oneDNN runs its "
              + onednnIsaName(onednnIsa)
              + " kernels on "
              + cpu.describe()
              + (cap != null
                  ? " because " + cap + " caps them: unset it"
                  : ": check that the OS enables AVX state for this process")
              + "; float32 training will be up to twice as slow.");
    }
    return out;
  }
}
