package io.manifoldsweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.junit.jupiter.api.Test;

class AnalysisMathTest {
  private static double[][] randomWalk(int n, int p, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][p];
    for (int t = 1; t < n; t++) {
      for (int c = 0; c < p; c++) {
        x[t][c] = x[t - 1][c] + r.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void randomWalkNullApproachesItsLongWalkLimit() {
    Spectrum s = RandomWalkNull.spectrum(400);
    assertThat(s.pc1()).isCloseTo(6 / (Math.PI * Math.PI), within(0.01));
    assertThat(s.componentsFor(0.90)).isEqualTo(6);
    double[][] walk = randomWalk(60, 4000, 1);
    Spectrum simulated = Spectrum.ofCentredGram(Gram.centred(Gram.of(walk), 60));
    Spectrum exact = RandomWalkNull.spectrum(60);
    assertThat(simulated.pc1()).isCloseTo(exact.pc1(), within(0.05));
    assertThat(simulated.componentsFor(0.9))
        .isBetween(exact.componentsFor(0.9) - 1, exact.componentsFor(0.9) + 1);
  }

  @Test
  void gramOfConcatenatedCoordinatesIsTheSumOfBlockGrams() {
    double[][] a = randomWalk(10, 7, 2);
    double[][] b = randomWalk(10, 5, 3);
    double[][] ab = new double[10][12];
    for (int t = 0; t < 10; t++) {
      System.arraycopy(a[t], 0, ab[t], 0, 7);
      System.arraycopy(b[t], 0, ab[t], 7, 5);
    }
    double[][] sum = Gram.sum(List.of(Gram.of(a), Gram.of(b)));
    double[][] direct = Gram.of(ab);
    for (int i = 0; i < 10; i++) {
      assertThat(sum[i]).containsExactly(direct[i], within(1e-9));
    }
  }

  @Test
  void lineHasOneComponentAndFlatTrajectoryHasNone() {
    double[][] line = new double[8][3];
    for (int t = 0; t < 8; t++) {
      line[t] = new double[] {t, 2 * t, -t};
    }
    Spectrum s = Spectrum.ofCentredGram(Gram.centred(Gram.of(line), 8));
    assertThat(s.componentsFor(0.99)).isEqualTo(1);
    assertThat(s.pc1()).isCloseTo(1.0, within(1e-12));
    assertThat(s.participationRatio()).isCloseTo(1.0, within(1e-9));
    assertThat(s.eigenvalues()).containsOnlyOnce(s.eigenvalues()[0]);
    Spectrum flat = Spectrum.ofCentredGram(Gram.centred(Gram.of(new double[5][4]), 5));
    assertThat(flat.componentsFor(0.9)).isZero();
    assertThat(flat.pc1()).isZero();
  }

  @Test
  void basisDirectionsAreOrthonormalAndCoordinatesReproduceTheProjection() {
    double[][] x = randomWalk(20, 30, 4);
    PcaBasis b = PcaBasis.fit(x, Gram.of(x), 20, 3);
    double[][] v = b.directions();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = 0;
        for (int c = 0; c < 30; c++) {
          dot += v[i][c] * v[j][c];
        }
        assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-9));
      }
    }
    double[] mean = new double[30];
    for (double[] row : x) {
      for (int c = 0; c < 30; c++) {
        mean[c] += row[c] / 20;
      }
    }
    double proj = 0;
    for (int c = 0; c < 30; c++) {
      proj += (x[7][c] - mean[c]) * v[1][c];
    }
    assertThat(b.coordinates()[1][7]).isCloseTo(proj, within(1e-9));
    assertThat(PrincipalAngles.cosines(v, v))
        .containsExactly(new double[] {1, 1, 1}, within(1e-12));
  }

  @Test
  void sampledRandomBaselineMatchesExplicitRandomBases() {
    int p = 40;
    int k = 5;
    Random r = new Random(7);
    double[] delta = new double[p];
    for (int i = 0; i < p; i++) {
      delta[i] = r.nextGaussian() * (i + 1);
    }
    double norm = 0;
    for (double d : delta) {
      norm += d * d;
    }
    norm = Math.sqrt(norm);
    double explicit = 0;
    int draws = 4000;
    for (int d = 0; d < draws; d++) {
      DMatrixRMaj g = new DMatrixRMaj(p, k);
      for (int i = 0; i < p * k; i++) {
        g.data[i] = r.nextGaussian();
      }
      QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(p, k);
      qr.decompose(g);
      DMatrixRMaj q = qr.getQ(null, true);
      double[][] rows = new double[k][p];
      for (int j = 0; j < k; j++) {
        for (int i = 0; i < p; i++) {
          rows[j][i] = q.get(i, j);
        }
      }
      explicit += CommutatorAlignment.rho(List.<double[][]>of(rows), List.of(delta), norm);
    }
    explicit /= draws;
    double sampled =
        CommutatorAlignment.randomRho(k, p, norm, norm, draws, new SplittableRandom(1));
    assertThat(sampled).isCloseTo(explicit, within(0.01));
    assertThat(sampled).isCloseTo(CommutatorAlignment.expectedRandomRho(k, p), within(0.03));
    // a span covering part of the coordinates scales by the delta's share of the norm there
    assertThat(CommutatorAlignment.randomRho(k, p, norm / 2, norm, draws, new SplittableRandom(1)))
        .isCloseTo(sampled / 2, within(1e-12));
  }

  @Test
  void perpendicularEnergyIsOneMinusRhoSquared() {
    assertThat(CommutatorAlignment.perpendicularEnergy(0.6)).isCloseTo(0.64, within(1e-12));
  }

  @Test
  void collapseAndSaturationSteps() {
    long[] steps = {20, 30, 40, 50, 60, 70};
    assertThat(DimensionTimeline.collapseStep(new int[] {1, 5, 2, 3, 4, 3}, steps)).isEqualTo(40);
    assertThat(DimensionTimeline.collapseStep(new int[] {3, 3, 3}, new long[] {2, 3, 4}))
        .isEqualTo(2);
    assertThat(
            Saturation.settledStep(
                new double[] {0, 5, 9, 9.6, 10, 10}, new long[] {0, 1, 2, 3, 4, 5}))
        .isEqualTo(3);
    assertThat(Saturation.correlation(new double[] {1, 2, 3}, new double[] {2, 4, 6}))
        .isCloseTo(1.0, within(1e-12));
    assertThat(Saturation.correlation(new double[] {1, 2, 3}, new double[] {5, 5, 5})).isNaN();
  }
}
