package dev.entropysentinel.forecaster.internal;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntToDoubleFunction;
import dev.entropysentinel.forecaster.ValidationPoint;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * The pow3 learning curve {@code R(t) = c - a * (t + 1)^(-alpha)} (Domhan et al.), the usual
 * step-based baseline, fitted by least squares with Commons Math's Levenberg-Marquardt from
 * several starts, keeping the smallest residual.
 *
 * <p>Why not fit (c, a, alpha) directly: on runs that are still rising the least-squares optimum
 * lies at alpha -> 0 with c and a growing without bound (the curve tends to u + v ln(t + 1)), a
 * valley along which a direct fit stalls or diverges. The curve is fitted in the equivalent form
 * {@code R(x) = u + v * (1 - (x / x0)^-alpha) / alpha} with x = t + 1 and x0 the last point's x,
 * so u is the curve at the last point, v its slope in ln x there, and c = u + v / alpha,
 * a = v x0^alpha / alpha; it stays well conditioned as alpha -> 0 and gives the same minimum as
 * an unconstrained fit of the usual form. The bounds 0 < alpha < {@link #ALPHA_MAX} are kept by
 * the transformation alpha = ALPHA_MAX / (1 + exp(-theta)), so the optimiser is unconstrained.
 */
public final class Pow3Curve {
  /** Upper bound of the exponent: beyond it (x0/x)^alpha overflows for early points and the fit means nothing. */
  static final double ALPHA_MAX = 10;
  private static final int MAX_EVALUATIONS = 2000;
  /** Least squares on a few points has several local minima in alpha: start from each, keep the best. */
  private static final double[] START_EXPONENTS = {0.05, 0.25, 0.5, 1, 2, 4};
  /** Below this |alpha ln(x/x0)| the basis and its derivative are evaluated by their series (no cancellation). */
  private static final double SERIES_BELOW = 1e-4;

  private final double u;
  private final double v;
  private final double alpha;
  private final double x0;

  private Pow3Curve(double u, double v, double alpha, double x0) {
    this.u = u;
    this.v = v;
    this.alpha = alpha;
    this.x0 = x0;
  }

  /** Fits the curve and predicts the score at {@code targetStep}; empty when the fit fails. */
  public static OptionalDouble predict(List<ValidationPoint> points, int targetStep) {
    return fit(points).map(curve -> OptionalDouble.of(curve.applyAsDouble(targetStep))).orElse(OptionalDouble.empty());
  }

  /** Fits the curve to {@code points} (at least three); empty when no start converges. */
  public static Optional<IntToDoubleFunction> fit(List<ValidationPoint> points) {
    return fitCurve(points).map(curve -> curve::at);
  }

  /** The fitted curve itself, for tests that compare its parameters. */
  static Optional<Pow3Curve> fitCurve(List<ValidationPoint> points) {
    if (points.size() < 3) {
      return Optional.empty();
    }
    int n = points.size();
    double[] logX = new double[n];
    double[] y = new double[n];
    double x0 = points.get(n - 1).step() + 1.0;
    for (int i = 0; i < n; i++) {
      logX[i] = Math.log((points.get(i).step() + 1.0) / x0);
      y[i] = points.get(i).score();
    }
    LeastSquaresOptimizer optimizer = new LevenbergMarquardtOptimizer();
    Pow3Curve best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (double alpha0 : START_EXPONENTS) {
      double[] uv = linearStart(logX, y, alpha0);
      if (uv == null) {
        continue;
      }
      double theta0 = -Math.log(ALPHA_MAX / alpha0 - 1);
      try {
        LeastSquaresOptimizer.Optimum optimum = optimizer.optimize(new LeastSquaresBuilder()
            .model(point -> model(point, logX))
            .target(y)
            .start(new double[] {uv[0], uv[1], theta0})
            .maxEvaluations(MAX_EVALUATIONS)
            .maxIterations(MAX_EVALUATIONS)
            .build());
        double[] p = optimum.getPoint().toArray();
        double cost = optimum.getCost();
        if (cost < bestCost && Double.isFinite(p[0]) && Double.isFinite(p[1]) && Double.isFinite(p[2])) {
          bestCost = cost;
          best = new Pow3Curve(p[0], p[1], alpha(p[2]), x0);
        }
      } catch (MathIllegalStateException e) {
        // this start did not converge; another may
      }
    }
    return Optional.ofNullable(best);
  }

  /** The predicted score at {@code step}. */
  double at(int step) {
    return u + v * basis(alpha, Math.log((step + 1.0) / x0));
  }

  /** The usual form's asymptote c = u + v / alpha. */
  double c() {
    return u + v / alpha;
  }

  /** The usual form's scale a = v x0^alpha / alpha. */
  double a() {
    return v * Math.pow(x0, alpha) / alpha;
  }

  double alpha() {
    return alpha;
  }

  /** Residual model: values and Jacobian in (u, v, theta). */
  private static Pair<RealVector, org.apache.commons.math3.linear.RealMatrix> model(RealVector point, double[] logX) {
    double u = point.getEntry(0);
    double v = point.getEntry(1);
    double theta = point.getEntry(2);
    double alpha = alpha(theta);
    double dAlpha = alpha * (1 - alpha / ALPHA_MAX);
    double[] values = new double[logX.length];
    double[][] jacobian = new double[logX.length][];
    for (int i = 0; i < logX.length; i++) {
      double g = basis(alpha, logX[i]);
      values[i] = u + v * g;
      jacobian[i] = new double[] {1, g, v * basisDerivative(alpha, logX[i]) * dAlpha};
    }
    return new Pair<>(new ArrayRealVector(values, false), new Array2DRowRealMatrix(jacobian, false));
  }

  private static double alpha(double theta) {
    return ALPHA_MAX / (1 + Math.exp(-theta));
  }

  /** g(alpha, L) = (1 - exp(-alpha L)) / alpha, tending to L as alpha -> 0. */
  static double basis(double alpha, double logX) {
    double z = alpha * logX;
    if (Math.abs(z) < SERIES_BELOW) {
      return logX * (1 - z / 2 + z * z / 6);
    }
    return -Math.expm1(-z) / alpha;
  }

  /** dg/dalpha = (alpha L exp(-alpha L) + expm1(-alpha L)) / alpha^2, by its series near 0. */
  static double basisDerivative(double alpha, double logX) {
    double z = alpha * logX;
    if (Math.abs(z) < SERIES_BELOW) {
      return logX * logX * (-0.5 + z / 3 - z * z / 8);
    }
    return (z * Math.exp(-z) + Math.expm1(-z)) / (alpha * alpha);
  }

  /** Ordinary least squares of y on (1, g(alpha, L)) for a start; null when g does not vary. */
  private static double[] linearStart(double[] logX, double[] y, double alpha) {
    int n = y.length;
    double mg = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mg += basis(alpha, logX[i]) / n;
      my += y[i] / n;
    }
    double sgg = 0;
    double sgy = 0;
    for (int i = 0; i < n; i++) {
      double dg = basis(alpha, logX[i]) - mg;
      sgg += dg * dg;
      sgy += dg * (y[i] - my);
    }
    if (!(sgg > 0) || !Double.isFinite(sgg)) {
      return null;
    }
    double v = sgy / sgg;
    return new double[] {my - v * mg, v};
  }
}
