package dev.entropysentinel.forecaster;

/**
 * Ordinary least squares of validation score R on x = exp(H), the paper's entropy-performance law
 * {@code R = -a * exp(H) + b}, kept as running moments so that adding a point costs O(1) whatever
 * the number of points already seen (Welford-style centred updates, so the sums do not lose
 * precision the way raw sums of squares would).
 *
 * <p>Immutable: {@link #add} returns a new fit. With fewer than two distinct x values the
 * coefficients are {@code NaN}.
 *
 * @param n number of points
 * @param meanX mean of x = exp(H)
 * @param meanY mean of R
 * @param sxx centred sum of squares of x
 * @param sxy centred sum of cross products
 * @param syy centred sum of squares of R
 */
public record EntropyLawFit(long n, double meanX, double meanY, double sxx, double sxy, double syy) {

  /** The fit of no points. */
  public static EntropyLawFit empty() {
    return new EntropyLawFit(0, 0, 0, 0, 0, 0);
  }

  /** Adds one (entropy, score) observation in O(1). */
  public EntropyLawFit add(double entropy, double score) {
    if (!Double.isFinite(entropy) || !Double.isFinite(score)) {
      throw new IllegalArgumentException(
          "entropy and score must be finite, were " + entropy + " and " + score);
    }
    double x = Math.exp(entropy);
    long m = n + 1;
    double dx = x - meanX;
    double dy = score - meanY;
    double mx = meanX + dx / m;
    double my = meanY + dy / m;
    return new EntropyLawFit(m, mx, my, sxx + dx * (x - mx), sxy + dx * (score - my), syy + dy * (score - my));
  }

  /** Slope of R on exp(H); the law's {@code -a}. */
  public double slope() {
    return n >= 2 && sxx > 0 ? sxy / sxx : Double.NaN;
  }

  /** The law's {@code a}: how much score one unit of exp(H) costs. */
  public double a() {
    return -slope();
  }

  /** The law's {@code b}: the intercept. */
  public double b() {
    return meanY - slope() * meanX;
  }

  /** The ceiling {@code R_max = b - a}, the score predicted at zero entropy. */
  public double ceiling() {
    return b() - a();
  }

  /** Predicted score {@code -a * exp(H) + b} at entropy {@code entropy}. */
  public double predict(double entropy) {
    return b() - a() * Math.exp(entropy);
  }

  /** Residual sum of squares {@code Syy - Sxy^2 / Sxx}. */
  public double sse() {
    return n >= 2 && sxx > 0 ? Math.max(0, syy - sxy * sxy / sxx) : Double.NaN;
  }

  /** Residual standard deviation with n - 2 degrees of freedom ({@code NaN} below 3 points). */
  public double residualStdErr() {
    return n > 2 ? Math.sqrt(sse() / (n - 2)) : Double.NaN;
  }

  /** Standard error of {@code a} (same as of the slope). */
  public double aStdErr() {
    return residualStdErr() / Math.sqrt(sxx);
  }

  /** Standard error of {@code b}. */
  public double bStdErr() {
    return residualStdErr() * Math.sqrt(1.0 / n + meanX * meanX / sxx);
  }

  /** Coefficient of determination; {@code NaN} when the scores do not vary. */
  public double r2() {
    return n >= 2 && sxx > 0 && syy > 0 ? 1 - sse() / syy : Double.NaN;
  }
}
