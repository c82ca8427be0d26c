package io.manifoldsweep.analysis.sae;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;

import io.manifoldsweep.task.SplitMix64;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A TopK sparse autoencoder (Gao et al. 2024; method section 8), in float64: {@code z_pre = (x -
 * b_pre) W_enc + b_enc}, {@code z = ReLU(TopK_k(z_pre))} (ties to the lower index), {@code x_hat =
 * z W_dec + b_pre}, with unit-norm decoder rows.
 *
 * <p>The encoder is stored transposed, {@code wEncT [n, d]}, so that every latent's encoder and
 * decoder vectors are contiguous rows: only the encoder's product is dense (a BLAS gemm); decoding,
 * and every gradient, touch just the k active latents of a row (and the AuxK ones), which makes a
 * training step about {@code n / k} times cheaper than dense products would.
 */
public final class TopKSae {
  /** Weight of the AuxK loss (method: 1/32). */
  public static final double AUX_COEF = 1.0 / 32;

  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  final int d;
  final int n;
  final int k;
  final int kAux;
  final double[] wEncT;
  final double[] bEnc;
  final double[] wDec;
  final double[] bPre;

  private TopKSae(
      int d, int n, int k, int kAux, double[] wEncT, double[] bEnc, double[] wDec, double[] bPre) {
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k=" + k + " must lie in 1.." + n);
    }
    this.d = d;
    this.n = n;
    this.k = k;
    this.kAux = kAux;
    this.wEncT = wEncT;
    this.bEnc = bEnc;
    this.wDec = wDec;
    this.bPre = bPre;
  }

  /**
   * the method's initialisation: {@code W_enc ~ N(0, 1/d)}, {@code W_dec = W_enc^T} with rows
   * normalised, {@code b_enc = 0}, {@code b_pre} the mean of the activation set; {@code k_aux =
   * d/2}.
   */
  public static TopKSae initialise(int n, int k, Activations x, SplitMix64 rng) {
    int d = x.d();
    double[] wEncT = new double[n * d];
    double sd = 1 / Math.sqrt(d);
    // drawn in W_enc's own [d, n] order, stored transposed
    for (int c = 0; c < d; c++) {
      for (int j = 0; j < n; j++) {
        wEncT[j * d + c] = rng.nextGaussian() * sd;
      }
    }
    double[] wDec = wEncT.clone();
    TopKSae sae = new TopKSae(d, n, k, Math.max(1, d / 2), wEncT, new double[n], wDec, x.mean());
    sae.normaliseDecoder();
    return sae;
  }

  /** An SAE with the given parameters; {@code wEnc} in its natural {@code [d, n]} layout. */
  public static TopKSae of(
      int d, int n, int k, int kAux, double[] wEnc, double[] bEnc, double[] wDec, double[] bPre) {
    return new TopKSae(
        d, n, k, kAux, transpose(wEnc, d, n), bEnc.clone(), wDec.clone(), bPre.clone());
  }

  public int inputs() {
    return d;
  }

  public int latents() {
    return n;
  }

  public int k() {
    return k;
  }

  /** {@code W_enc [d, n]}, row-major. */
  public double[] encoderWeights() {
    return transpose(wEncT, n, d);
  }

  public double[] encoderBias() {
    return bEnc.clone();
  }

  /** {@code W_dec [n, d]}, row-major; row i is latent i's direction in the residual stream. */
  public double[] decoderWeights() {
    return wDec.clone();
  }

  public double[] preBias() {
    return bPre.clone();
  }

  /**
   * {@code z_pre} of {@code rows} rows of {@code x} (row-major, starting at row {@code from}) into
   * {@code out [rows, n]}.
   */
  void preActivations(double[] x, int from, int rows, double[] out, double[] centred) {
    for (int r = 0; r < rows; r++) {
      int src = (from + r) * d;
      for (int c = 0; c < d; c++) {
        centred[r * d + c] = x[src + c] - bPre[c];
      }
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(bEnc, 0, out, r * n, n);
    }
    cblas_dgemm(
        CblasRowMajor,
        CblasNoTrans,
        CblasTrans,
        rows,
        n,
        d,
        1.0,
        centred,
        d,
        wEncT,
        d,
        1.0,
        out,
        n);
  }

  /**
   * For every row of {@code zPre [rows, n]}, the {@code k} largest entries among the allowed
   * latents (all when {@code allowed} is null), ties to the lower index, in decreasing order, each
   * passed through ReLU: slots {@code idx[r*k + s]}, {@code val[r*k + s]}; unused slots hold index
   * -1.
   */
  static void topK(
      double[] zPre, int rows, int n, int k, boolean[] allowed, int[] idx, double[] val) {
    int vectors = n / LANES.length();
    double[] maxima =
        allowed == null && vectors >= k && n % LANES.length() == 0 ? new double[vectors] : null;
    double[] top = new double[k];
    for (int r = 0; r < rows; r++) {
      int base = r * k;
      int filled = 0;
      if (maxima != null) {
        // each vector's maximum is an entry, so the k-th largest maximum bounds the k-th largest
        // entry from below: only entries at or above it can be chosen, and most vectors hold none
        for (int g = 0; g < vectors; g++) {
          maxima[g] =
              DoubleVector.fromArray(LANES, zPre, r * n + g * LANES.length())
                  .reduceLanes(VectorOperators.MAX);
        }
        double bound = kthLargest(maxima, k, top);
        for (int g = 0; g < vectors; g++) {
          if (maxima[g] >= bound) {
            for (int j = g * LANES.length(); j < (g + 1) * LANES.length(); j++) {
              if (zPre[r * n + j] >= bound) {
                filled = insert(zPre[r * n + j], j, idx, val, base, k, filled);
              }
            }
          }
        }
      } else {
        for (int j = 0; j < n; j++) {
          if (allowed == null || allowed[j]) {
            filled = insert(zPre[r * n + j], j, idx, val, base, k, filled);
          }
        }
      }
      for (int s = 0; s < filled; s++) {
        val[base + s] = Math.max(0, val[base + s]);
      }
      for (int s = filled; s < k; s++) {
        idx[base + s] = -1;
        val[base + s] = 0;
      }
    }
  }

  /**
   * Puts latent {@code j} with pre-activation {@code v} into a row's slots, kept in decreasing
   * order, if it beats the k-th so far; strictly greater, so an equal later latent never displaces
   * an earlier one. Returns the slots filled.
   */
  private static int insert(double v, int j, int[] idx, double[] val, int base, int k, int filled) {
    if (filled == k && !(v > val[base + k - 1])) {
      return filled;
    }
    int s = filled == k ? k - 1 : filled++;
    while (s > 0 && v > val[base + s - 1]) {
      val[base + s] = val[base + s - 1];
      idx[base + s] = idx[base + s - 1];
      s--;
    }
    val[base + s] = v;
    idx[base + s] = j;
    return filled;
  }

  /** The k-th largest of {@code a} (k from 1), by insertion into {@code top}, a buffer of k. */
  private static double kthLargest(double[] a, int k, double[] top) {
    int filled = 0;
    for (double v : a) {
      if (filled == k && !(v > top[k - 1])) {
        continue;
      }
      int s = filled == k ? k - 1 : filled++;
      while (s > 0 && v > top[s - 1]) {
        top[s] = top[s - 1];
        s--;
      }
      top[s] = v;
    }
    return top[k - 1];
  }

  /** The sparse codes of rows {@code from..from+rows} of {@code x}. */
  public Codes encode(double[] x, int from, int rows) {
    double[] zPre = new double[rows * n];
    preActivations(x, from, rows, zPre, new double[rows * d]);
    Codes codes = new Codes(rows, k, new int[rows * k], new double[rows * k]);
    topK(zPre, rows, n, k, null, codes.idx(), codes.val());
    return codes;
  }

  /**
   * {@code out[r] = sum_s val * W_dec[idx]} (+ b_pre when {@code withBias}) for every row of the
   * codes.
   */
  void decode(int[] idx, double[] val, int rows, int slots, double[] out, boolean withBias) {
    for (int r = 0; r < rows; r++) {
      int o = r * d;
      if (withBias) {
        System.arraycopy(bPre, 0, out, o, d);
      } else {
        Arrays.fill(out, o, o + d, 0);
      }
      for (int s = 0; s < slots; s++) {
        int i = idx[r * slots + s];
        double v = val[r * slots + s];
        if (i >= 0 && v != 0) {
          Vec.axpy(v, wDec, i * d, out, o, d);
        }
      }
    }
  }

  /** The reconstruction {@code x_hat} of coded rows. */
  public double[] decode(Codes codes) {
    double[] out = new double[codes.rows() * d];
    decode(codes.idx(), codes.val(), codes.rows(), codes.k(), out, true);
    return out;
  }

  /** Gradient buffers in the SAE's layouts. */
  public static final class Gradient {
    final double[] wEncT;
    final double[] bEnc;
    final double[] wDec;
    final double[] bPre;

    public Gradient(TopKSae like) {
      wEncT = new double[like.wEncT.length];
      bEnc = new double[like.n];
      wDec = new double[like.wDec.length];
      bPre = new double[like.d];
    }

    void clear() {
      Arrays.fill(wEncT, 0);
      Arrays.fill(bEnc, 0);
      Arrays.fill(wDec, 0);
      Arrays.fill(bPre, 0);
    }

    /** d(loss)/d(W_enc) in its {@code [d, n]} layout. */
    public double[] encoderWeights() {
      return transpose(wEncT, bEnc.length, bPre.length);
    }

    public double[] encoderBias() {
      return bEnc.clone();
    }

    public double[] decoderWeights() {
      return wDec.clone();
    }

    public double[] preBias() {
      return bPre.clone();
    }
  }

  /** Loss parts of one batch. */
  public record Loss(double total, double reconstruction, double aux) {}

  /** Scratch of one batch size, reused from step to step. */
  static final class Work {
    final double[] zPre;
    final double[] centred;
    final int[] idx;
    final double[] val;
    final int[] auxIdx;
    final double[] auxVal;
    final double[] xHat;
    final double[] eHat;
    final double[] gOut;
    final double[] gAux;

    Work(TopKSae s, int rows) {
      zPre = new double[rows * s.n];
      centred = new double[rows * s.d];
      idx = new int[rows * s.k];
      val = new double[rows * s.k];
      auxIdx = new int[rows * s.kAux];
      auxVal = new double[rows * s.kAux];
      xHat = new double[rows * s.d];
      eHat = new double[rows * s.d];
      gOut = new double[s.d];
      gAux = new double[s.d];
    }
  }

  /**
   * As {@link #lossAndGradient(double[], int, int, boolean[], double, Gradient, Work)} with fresh
   * scratch.
   */
  public Loss lossAndGradient(
      double[] x, int from, int rows, boolean[] dead, double scale, Gradient g) {
    return lossAndGradient(x, from, rows, dead, scale, g, new Work(this, rows));
  }

  /**
   * the method's loss on rows {@code from..from+rows} of {@code x}: {@code mean_rows |x - x_hat|^2
   * / c + (1/32) mean_rows |e - e_hat|^2 / c}, with {@code e = x - x_hat} held constant and {@code
   * e_hat = ReLU(TopK_kaux(z_pre over dead latents)) W_dec}; the AuxK term is zero when no latent
   * is dead. Writes the raw gradients of the total into {@code g} (overwritten).
   */
  Loss lossAndGradient(
      double[] x, int from, int rows, boolean[] dead, double scale, Gradient g, Work w) {
    g.clear();
    preActivations(x, from, rows, w.zPre, w.centred);
    topK(w.zPre, rows, n, k, null, w.idx, w.val);
    decode(w.idx, w.val, rows, k, w.xHat, true);
    int deadCount = 0;
    for (boolean b : dead) {
      deadCount += b ? 1 : 0;
    }
    int ka = Math.min(kAux, deadCount);
    if (ka > 0) {
      topK(w.zPre, rows, n, ka, dead, w.auxIdx, w.auxVal);
      decode(w.auxIdx, w.auxVal, rows, ka, w.eHat, false);
    }
    double recon = 0;
    double aux = 0;
    double gScale = 2 / (scale * rows);
    for (int r = 0; r < rows; r++) {
      int o = r * d;
      int xo = (from + r) * d;
      for (int c = 0; c < d; c++) {
        double diff = w.xHat[o + c] - x[xo + c];
        recon += diff * diff;
        w.gOut[c] = gScale * diff;
        g.bPre[c] += w.gOut[c];
      }
      backwardCodes(w.idx, w.val, r, k, w.gOut, w.centred, o, g);
      if (ka > 0) {
        for (int c = 0; c < d; c++) {
          // e - e_hat = (x - x_hat) - e_hat
          double diff = w.eHat[o + c] + w.xHat[o + c] - x[xo + c];
          aux += diff * diff;
          w.gAux[c] = AUX_COEF * gScale * diff;
        }
        backwardCodes(w.auxIdx, w.auxVal, r, ka, w.gAux, w.centred, o, g);
      }
    }
    recon /= scale * rows;
    aux = ka > 0 ? aux / (scale * rows) : 0;
    return new Loss(recon + AUX_COEF * aux, recon, aux);
  }

  /**
   * Back through {@code out_r = sum_s val_s W_dec[idx_s]} for one row given d(loss)/d(out_r): the
   * decoder rows' gradients, and through the ReLU and the encoder for the slots that fired.
   */
  private void backwardCodes(
      int[] idx,
      double[] val,
      int r,
      int slots,
      double[] gOut,
      double[] centred,
      int centredOff,
      Gradient g) {
    for (int s = 0; s < slots; s++) {
      int i = idx[r * slots + s];
      double v = val[r * slots + s];
      if (i < 0 || v <= 0) {
        continue;
      }
      Vec.axpy(v, gOut, 0, g.wDec, i * d, d);
      double dz = Vec.dot(gOut, 0, wDec, i * d, d);
      g.bEnc[i] += dz;
      Vec.axpy(dz, centred, centredOff, g.wEncT, i * d, d);
      Vec.axpy(-dz, wEncT, i * d, g.bPre, 0, d);
    }
  }

  /** Removes from each decoder row's gradient its component along that (unit) row. */
  public void projectDecoderGradient(Gradient g) {
    for (int i = 0; i < n; i++) {
      double along = Vec.dot(g.wDec, i * d, wDec, i * d, d);
      Vec.axpy(-along, wDec, i * d, g.wDec, i * d, d);
    }
  }

  /** Rescales every decoder row to unit norm. */
  public void normaliseDecoder() {
    for (int i = 0; i < n; i++) {
      double norm = Math.sqrt(Vec.dot(wDec, i * d, wDec, i * d, d));
      if (norm > 0) {
        for (int c = 0; c < d; c++) {
          wDec[i * d + c] /= norm;
        }
      }
    }
  }

  /** Adam without weight decay (PyTorch's order of operations), moments from zero. */
  public static final class Adam {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[][] m;
    private final double[][] v;
    private long t;

    public Adam(TopKSae like, double lr, double beta1, double beta2, double eps) {
      this.lr = lr;
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
      double[][] shapes = {like.wEncT, like.bEnc, like.wDec, like.bPre};
      m = new double[4][];
      v = new double[4][];
      for (int i = 0; i < 4; i++) {
        m[i] = new double[shapes[i].length];
        v[i] = new double[shapes[i].length];
      }
    }

    /** One update of every parameter of {@code sae} from {@code g}. */
    public void step(TopKSae sae, Gradient g) {
      t++;
      double bias1 = 1 - Math.pow(beta1, t);
      double sqrtBias2 = Math.sqrt(1 - Math.pow(beta2, t));
      double stepSize = lr / bias1;
      double[][] params = {sae.wEncT, sae.bEnc, sae.wDec, sae.bPre};
      double[][] grads = {g.wEncT, g.bEnc, g.wDec, g.bPre};
      for (int p = 0; p < 4; p++) {
        double[] w = params[p];
        double[] gr = grads[p];
        double[] mp = m[p];
        double[] vp = v[p];
        for (int i = 0; i < w.length; i++) {
          mp[i] = mp[i] * beta1 + gr[i] * (1 - beta1);
          vp[i] = vp[i] * beta2 + gr[i] * gr[i] * (1 - beta2);
          w[i] -= stepSize * mp[i] / (Math.sqrt(vp[i]) / sqrtBias2 + eps);
        }
      }
    }
  }

  private static double[] transpose(double[] a, int rows, int cols) {
    double[] t = new double[a.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = a[r * cols + c];
      }
    }
    return t;
  }
}
