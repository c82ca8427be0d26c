package io.manifoldsweep.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The processor this JVM runs on, from {@code /proc/cpuinfo}: its name for every printed figure,
 * and its SIMD level, which the native libraries' kernels are checked against.
 *
 * @param model the model name as the kernel reports it, e.g. "AMD EPYC" or "Intel(R) Xeon(R) ..."
 * @param vendor {@code GenuineIntel}, {@code AuthenticAMD}, ...
 * @param family cpuid family, -1 when unknown
 * @param modelNumber cpuid model, -1 when unknown
 * @param level the widest SIMD the kernels can use
 * @param openblasCoreType the OpenBLAS core whose kernels suit the CPU's flags, as {@code
 *     OPENBLAS_CORETYPE} names it: SKYLAKEX with AVX-512, HASWELL with AVX2 and FMA, SANDYBRIDGE
 *     with AVX, else PRESCOTT. The same rule as {@code submit/lib.sh} and the build's surefire
 *     environment.
 */
public record CpuInfo(
    String model, String vendor, int family, int modelNumber, Simd level, String openblasCoreType) {

  /** SIMD levels that decide which BLAS kernels are right for a CPU. */
  public enum Simd {
    /** Neither AVX2 nor FMA: pre-2013 x86, or a CPU we cannot read. */
    BASELINE,
    /** AVX2 and FMA: 256-bit kernels (OpenBLAS Haswell/Zen). */
    AVX2,
    /** AVX-512 F, BW, DQ and VL: 512-bit kernels (OpenBLAS SkylakeX and later). */
    AVX512
  }

  private static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");

  /** This machine's processor; an unreadable cpuinfo gives "unknown" at the baseline level. */
  public static CpuInfo current() {
    try {
      return parse(Files.readAllLines(PROC_CPUINFO));
    } catch (IOException | SecurityException e) {
      return new CpuInfo(
          "unknown (" + PROC_CPUINFO + " unreadable)",
          "unknown",
          -1,
          -1,
          Simd.BASELINE,
          "PRESCOTT");
    }
  }

  /** Reads the first processor's entry of a cpuinfo listing. */
  static CpuInfo parse(List<String> lines) {
    String model = "unknown";
    String vendor = "unknown";
    int family = -1;
    int modelNumber = -1;
    Set<String> flags = Set.of();
    for (String line : lines) {
      if (line.isBlank() && !flags.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "model name" -> model = value;
        case "vendor_id" -> vendor = value;
        case "cpu family" -> family = parseOr(value);
        case "model" -> modelNumber = parseOr(value);
        case "flags" -> flags = Set.of(value.toLowerCase(Locale.ROOT).split("\\s+"));
        default -> {}
      }
    }
    Simd level = level(flags);
    String core =
        switch (level) {
          case AVX512 -> "SKYLAKEX";
          case AVX2 -> "HASWELL";
          case BASELINE -> flags.contains("avx") ? "SANDYBRIDGE" : "PRESCOTT";
        };
    return new CpuInfo(model, vendor, family, modelNumber, level, core);
  }

  static Simd level(Set<String> flags) {
    if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
      return Simd.AVX512;
    }
    if (flags.containsAll(Set.of("avx2", "fma"))) {
      return Simd.AVX2;
    }
    return Simd.BASELINE;
  }

  /** One line for logs and benchmark output. */
  public String describe() {
    return model
        + " ("
        + vendor
        + " family "
        + family
        + " model "
        + modelNumber
        + ", "
        + label(level)
        + ")";
  }

  static String label(Simd s) {
    return switch (s) {
      case AVX512 -> "AVX-512";
      case AVX2 -> "AVX2";
      case BASELINE -> "no AVX2";
    };
  }

  private static int parseOr(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
