package dev.entropysentinel.forecaster.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntToDoubleFunction;
import dev.entropysentinel.forecaster.ValidationPoint;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.SimpleCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoint;
import org.apache.commons.math3.analysis.ParametricUnivariateFunction;

/**
 * The pow3 learning curve {@code R(t) = c - a * (t + 1)^(-alpha)} (Domhan et al.), the usual
 * step-based baseline, fitted with Levenberg-Marquardt. {@code alpha = exp(theta)} keeps the
 * exponent positive without a constrained optimiser.
 */
public final class Pow3Curve {
  private static final int MAX_ITERATIONS = 200;
  /** Least squares on a few points has several local minima in alpha: start from each, keep the best. */
  private static final double[] START_EXPONENTS = {0.25, 0.5, 1, 2};

  private static final ParametricUnivariateFunction POW3 = new ParametricUnivariateFunction() {
    @Override
    public double value(double t, double... p) {
      return p[0] - p[1] * Math.pow(t + 1, -Math.exp(p[2]));
    }

    @Override
    public double[] gradient(double t, double... p) {
      double alpha = Math.exp(p[2]);
      double power = Math.pow(t + 1, -alpha);
      return new double[] {1, -power, p[1] * power * Math.log(t + 1) * alpha};
    }
  };

  private Pow3Curve() {}

  /** Fits the curve and predicts the score at {@code targetStep}; empty when the fit fails. */
  public static OptionalDouble predict(List<ValidationPoint> points, int targetStep) {
    return fit(points).map(curve -> OptionalDouble.of(curve.applyAsDouble(targetStep))).orElse(OptionalDouble.empty());
  }

  /** Fits the curve to {@code points} (at least three); empty when no start converges. */
  public static Optional<IntToDoubleFunction> fit(List<ValidationPoint> points) {
    if (points.size() < 3) {
      return Optional.empty();
    }
    List<WeightedObservedPoint> observed = new ArrayList<>();
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    for (ValidationPoint p : points) {
      observed.add(new WeightedObservedPoint(1, p.step(), p.score()));
      max = Math.max(max, p.score());
      min = Math.min(min, p.score());
    }
    double best = Double.POSITIVE_INFINITY;
    double[] bestParameters = null;
    for (double alpha0 : START_EXPONENTS) {
      double a0 = (max - min) * Math.pow(points.get(0).step() + 1, alpha0);
      double[] start = {max, a0 == 0 ? 1 : a0, Math.log(alpha0)};
      try {
        double[] p = SimpleCurveFitter.create(POW3, start).withMaxIterations(MAX_ITERATIONS).fit(observed);
        double sse = 0;
        for (ValidationPoint v : points) {
          double r = POW3.value(v.step(), p) - v.score();
          sse += r * r;
        }
        if (sse < best) {
          best = sse;
          bestParameters = p;
        }
      } catch (MathIllegalStateException e) {
        // this start did not converge; another may
      }
    }
    if (bestParameters == null) {
      return Optional.empty();
    }
    double[] p = bestParameters;
    return Optional.of(step -> POW3.value(step, p));
  }
}
