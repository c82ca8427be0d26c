package io.manifoldsweep.kernel;

/** Main of the child JVM in {@link NativeBlasTest}: asks twice, prints the description once. */
public final class PrintNativeBlas {
  private PrintNativeBlas() {}

  public static void main(String[] args) {
    NativeBlas.get();
    String d = NativeBlas.get().describe();
    System.out.println(d.replace("OpenBLAS 0.3.31 (", "OpenBLAS ("));
  }
}
