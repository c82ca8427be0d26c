package io.manifoldsweep.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.kernel.CpuInfo.Simd;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuInfoTest {
  private static List<String> cpuinfo(String vendor, String model, String flags) {
    return List.of(
        "processor\t: 0",
        "vendor_id\t: " + vendor,
        "cpu family\t: 6",
        "model\t\t: 207",
        "model name\t: " + model,
        "flags\t\t: " + flags,
        "",
        "processor\t: 1",
        "model name\t: second socket, not read",
        "flags\t\t: fpu");
  }

  @Test
  void readsTheFirstProcessorAndItsSimdLevel() {
    CpuInfo cpu =
        CpuInfo.parse(
            cpuinfo(
                "GenuineIntel",
                "Intel(R) Xeon(R) Platinum",
                "fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl amx_tile"));
    assertThat(cpu.model()).isEqualTo("Intel(R) Xeon(R) Platinum");
    assertThat(cpu.vendor()).isEqualTo("GenuineIntel");
    assertThat(cpu.family()).isEqualTo(6);
    assertThat(cpu.modelNumber()).isEqualTo(207);
    assertThat(cpu.level()).isEqualTo(Simd.AVX512);
    assertThat(cpu.openblasCoreType()).isEqualTo("SKYLAKEX");
    assertThat(cpu.describe()).contains("Intel(R) Xeon(R) Platinum", "AVX-512");
  }

  @Test
  void avx512WithoutItsByteAndWordPartsCountsAsAvx2() {
    // Knights Landing has avx512f but not bw/vl; OpenBLAS's SkylakeX kernels need both
    CpuInfo cpu =
        CpuInfo.parse(cpuinfo("GenuineIntel", "Xeon Phi", "avx avx2 fma avx512f avx512cd"));
    assertThat(cpu.level()).isEqualTo(Simd.AVX2);
    assertThat(cpu.openblasCoreType()).isEqualTo("HASWELL");
  }

  @Test
  void flagsAreMatchedAsWholeWords() {
    // "avx512_bf16" and "avx2_vnni"-style flags must not pass for avx2 or avx512f
    CpuInfo cpu =
        CpuInfo.parse(cpuinfo("AuthenticAMD", "old", "sse4_2 avx avx2_vnni fma avx512_bf16"));
    assertThat(cpu.level()).isEqualTo(Simd.BASELINE);
    assertThat(cpu.openblasCoreType()).isEqualTo("SANDYBRIDGE");
    assertThat(CpuInfo.parse(cpuinfo("AuthenticAMD", "older", "sse3")).openblasCoreType())
        .isEqualTo("PRESCOTT");
  }
}
