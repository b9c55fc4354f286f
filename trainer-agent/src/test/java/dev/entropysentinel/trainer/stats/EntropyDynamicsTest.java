package dev.entropysentinel.trainer.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lemma 1 and Theorems 1–2 on a tabular softmax policy: first-order error shrinks as η². */
class EntropyDynamicsTest {
  private static final double[] ETAS = {0.05, 0.025, 0.0125, 0.00625};

  private final Random random = new Random(11);
  private final double[] z = randomVector(8, 2.0);

  @Test
  void entropyOfUniformLogitsIsLogOfActionCount() {
    assertThat(EntropyDynamics.entropy(new double[] {3, 3, 3, 3})).isCloseTo(Math.log(4), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void lemma1PredictsTheEntropyChangeOfAnyLogitStepToFirstOrder() {
    double[] direction = randomVector(z.length, 1.0);
    assertSecondOrderError(eta -> {
      double[] z1 = plus(z, direction, eta);
      return new double[] {EntropyDynamics.lemma1Predicted(z, z1), EntropyDynamics.entropy(z1) - EntropyDynamics.entropy(z)};
    });
  }

  @Test
  void theorem1PredictsVanillaPolicyGradient() {
    double[] advantage = centred(randomVector(z.length, 1.0));
    double[] gradient = new double[z.length];
    double[] logp = EntropyDynamics.logSoftmax(z);
    for (int a = 0; a < z.length; a++) {
      gradient[a] = Math.exp(logp[a]) * advantage[a]; // ∂/∂z_a Σ π A with E_π[A] = 0
    }
    assertSecondOrderError(eta -> {
      double[] z1 = plus(z, gradient, eta);
      return new double[] {EntropyDynamics.vanillaPgPredicted(z, advantage, eta), EntropyDynamics.entropy(z1) - EntropyDynamics.entropy(z)};
    });
  }

  @Test
  void theorem2PredictsNaturalPolicyGradient() {
    double[] advantage = centred(randomVector(z.length, 1.0));
    assertSecondOrderError(eta -> {
      double[] z1 = plus(z, advantage, eta);
      return new double[] {EntropyDynamics.naturalPgPredicted(z, advantage, eta), EntropyDynamics.entropy(z1) - EntropyDynamics.entropy(z)};
    });
  }

  @Test
  void rewardingTheLikelyActionLowersEntropy() {
    double[] logits = {2, 0, 0, 0};
    double[] advantage = centred(new double[] {1, 0, 0, 0});
    assertThat(EntropyDynamics.naturalPgPredicted(logits, advantage, 0.1)).isNegative();
  }

  @Test
  void changeSumsSkipMaskedStatesAndMatchThePerStateFormulas() {
    float[] z0 = {0, 1, 2, 5, 5, 5};
    float[] z1 = {0.1f, 1, 1.9f, 9, 9, 9};
    double[] sums = EntropyDynamics.changeSums(z0, z1, 3, new boolean[] {true, false});
    double[] a = {0, 1, 2};
    double[] b = {0.1f, 1, 1.9f};
    assertThat(sums[0]).isCloseTo(EntropyDynamics.lemma1Predicted(a, b), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(sums[1]).isCloseTo(EntropyDynamics.entropy(b) - EntropyDynamics.entropy(a), org.assertj.core.data.Offset.offset(1e-12));
  }

  private void assertSecondOrderError(java.util.function.DoubleFunction<double[]> predictedAndMeasured) {
    double previous = Double.NaN;
    for (double eta : ETAS) {
      double[] pm = predictedAndMeasured.apply(eta);
      double error = Math.abs(pm[0] - pm[1]);
      assertThat(Math.abs(pm[1])).as("the step must change the entropy at eta %s", eta).isGreaterThan(1e-6);
      assertThat(error).as("first-order error at eta %s", eta).isLessThan(0.1 * Math.abs(pm[1]));
      if (!Double.isNaN(previous)) {
        assertThat(error).as("halving eta must cut the error about fourfold (eta %s)", eta).isLessThan(previous / 3);
      }
      previous = error;
    }
  }

  private double[] randomVector(int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * random.nextGaussian();
    }
    return v;
  }

  /** Advantages centred under the policy, E_π[A] = 0, as the theorems assume. */
  private double[] centred(double[] a) {
    double[] logp = EntropyDynamics.logSoftmax(z);
    double mean = 0;
    for (int i = 0; i < a.length; i++) {
      mean += Math.exp(logp[i]) * a[i];
    }
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] - mean;
    }
    return out;
  }

  private static double[] plus(double[] z, double[] d, double eta) {
    double[] out = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = z[i] + eta * d[i];
    }
    return out;
  }
}
