package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.manifoldsweep.kernel.CpuInfo.Simd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.dnnl.global.dnnl;
import org.junit.jupiter.api.Test;

class NativeBlasTest {
  private static final CpuInfo AVX512 =
      new CpuInfo("Test Xeon", "GenuineIntel", 6, 207, Simd.AVX512, "SKYLAKEX");
  private static final CpuInfo OLD =
      new CpuInfo("Test Core 2", "GenuineIntel", 6, 15, Simd.BASELINE, "PRESCOTT");

  @Test
  void theBuildsEnvironmentGivesKernelsAsWideAsTheCpu() {
    NativeBlas blas = NativeBlas.get();
    assumeThat(blas.cpu().level()).as("this CPU has AVX2").isNotEqualTo(Simd.BASELINE);
    assertThat(System.getenv("OPENBLAS_CORETYPE"))
        .as("surefire's OPENBLAS_CORETYPE")
        .isEqualTo(blas.cpu().openblasCoreType());
    assertThat(blas.openblasLevel())
        .as("OpenBLAS core %s on %s", blas.openblasCore(), blas.cpu().describe())
        .isEqualTo(blas.cpu().level());
    assertThat(blas.onednnLevel()).as(blas.describe()).isEqualTo(blas.cpu().level());
    assertThat(blas.warnings()).isEmpty();
    assertThat(blas.describe()).contains("oneDNN 3.", "OpenBLAS 0.3.31");
  }

  @Test
  void aGenericOpenblasCoreOnAnAvx512CpuIsNamedWithItsFix() {
    List<String> w =
        NativeBlas.warnings(
            AVX512, "0.3.19", "Prescott", dnnl.dnnl_cpu_isa_avx512_core_bf16, Map.of());
    assertThat(w)
        .singleElement()
        .asString()
        .contains(
            "'Prescott'",
            "does not know the CPU model",
            "OPENBLAS_CORETYPE=SKYLAKEX",
            "spark.executorEnv.OPENBLAS_CORETYPE=SKYLAKEX");
  }

  @Test
  void aForcedCoreIsBlamedOnTheVariable() {
    List<String> w =
        NativeBlas.warnings(
            AVX512,
            "0.3.31",
            "Haswell",
            dnnl.dnnl_cpu_isa_avx512_core,
            Map.of("OPENBLAS_CORETYPE", "HASWELL"));
    assertThat(w)
        .singleElement()
        .asString()
        .contains("OPENBLAS_CORETYPE=HASWELL forces them", "without AVX-512");
  }

  @Test
  void aCappedOnednnIsBlamedOnItsVariable() {
    List<String> w =
        NativeBlas.warnings(
            AVX512,
            "0.3.31",
            "Cooperlake",
            dnnl.dnnl_cpu_isa_avx2,
            Map.of("ONEDNN_MAX_CPU_ISA", "AVX2"));
    assertThat(w)
        .singleElement()
        .asString()
        .contains("oneDNN runs its avx2 kernels", "ONEDNN_MAX_CPU_ISA=AVX2", "unset it");
  }

  @Test
  void rightKernelsAndOldCpusGiveNoWarning() {
    assertThat(
            NativeBlas.warnings(
                AVX512, "0.3.31", "Cooperlake", dnnl.dnnl_cpu_isa_avx512_core_bf16, Map.of()))
        .isEmpty();
    assertThat(NativeBlas.warnings(OLD, "0.3.31", "Prescott", dnnl.dnnl_cpu_isa_sse41, Map.of()))
        .isEmpty();
  }

  @Test
  void levelsOfCoresAndIsas() {
    assertThat(NativeBlas.openblasLevel("SkylakeX")).isEqualTo(Simd.AVX512);
    assertThat(NativeBlas.openblasLevel("Zen")).isEqualTo(Simd.AVX2);
    assertThat(NativeBlas.openblasLevel("Sandybridge")).isEqualTo(Simd.BASELINE);
    assertThat(NativeBlas.onednnLevel(dnnl.dnnl_cpu_isa_avx10_1_512_amx)).isEqualTo(Simd.AVX512);
    assertThat(NativeBlas.onednnLevel(dnnl.dnnl_cpu_isa_avx2_vnni_2)).isEqualTo(Simd.AVX2);
    assertThat(NativeBlas.onednnIsaName(dnnl.dnnl_cpu_isa_avx512_core_bf16))
        .isEqualTo("avx512_core_bf16");
  }

  /** A JVM started with generic kernels forced says so once, naming the variable and the fix. */
  @Test
  void aJvmForcedToGenericKernelsWarns() throws IOException, InterruptedException {
    CpuInfo cpu = CpuInfo.current();
    assumeThat(cpu.level()).as("this CPU has AVX2").isNotEqualTo(Simd.BASELINE);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules=jdk.incubator.vector");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PrintNativeBlas.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OPENBLAS_CORETYPE", "PRESCOTT");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains(
            "OpenBLAS (Prescott)",
            "WARNING: OpenBLAS 0.3.31 runs its 'Prescott' kernels",
            "OPENBLAS_CORETYPE=PRESCOTT forces them",
            "OPENBLAS_CORETYPE=" + cpu.openblasCoreType());
    assertThat(out.split("WARNING: OpenBLAS", -1))
        .as("one warning, however often it is asked")
        .hasSize(2);
  }
}
