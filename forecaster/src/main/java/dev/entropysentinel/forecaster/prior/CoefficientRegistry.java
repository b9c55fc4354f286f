package dev.entropysentinel.forecaster.prior;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.forecaster.SlopePrior;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Coefficients of the entropy law from earlier runs, by model size. The paper finds {@code a} and
 * {@code b} log-linear in the number of non-embedding parameters N for one model family and data
 * set, so a new model's coefficients are predicted by least squares of each on {@code ln N}
 * (Commons Math {@link SimpleRegression}), with the prediction's standard error as uncertainty.
 *
 * <p>File format (JSON): {@code {"runs": [{"model": "qwen2.5-0.5b", "params": 3.6e8, "a": 0.27,
 * "b": 0.82}, ...]}}; a and b in the same score units as the runs they will be applied to.
 */
public final class CoefficientRegistry {
  /** Relative uncertainty used when the runs leave no residual to estimate it from (one or two sizes). */
  static final double UNKNOWN_RELATIVE_SD = 0.5;

  private final List<Entry> runs;

  /** One earlier run's fitted coefficients. */
  public record Entry(String model, double params, double a, double b) {
    public Entry {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("registry run: model must be named");
      }
      if (!(params > 0) || Double.isInfinite(params)) {
        throw new IllegalArgumentException("registry run " + model + ": params must be > 0, was " + params);
      }
      if (!Double.isFinite(a) || !Double.isFinite(b)) {
        throw new IllegalArgumentException("registry run " + model + ": a and b must be finite, were " + a + ", " + b);
      }
    }
  }

  /** A predicted coefficient with its standard deviation. */
  public record Prediction(double value, double sd) {}

  private record RegistryFile(List<Entry> runs) {}

  public CoefficientRegistry(List<Entry> runs) {
    if (runs == null || runs.isEmpty()) {
      throw new IllegalArgumentException("registry must hold at least one run");
    }
    this.runs = List.copyOf(runs);
  }

  /**
   * Reads a registry file.
   *
   * @throws IllegalArgumentException naming the file and the problem when it cannot be read
   */
  public static CoefficientRegistry load(Path file) {
    try {
      RegistryFile parsed = new ObjectMapper().readValue(Files.readAllBytes(file), RegistryFile.class);
      if (parsed == null || parsed.runs() == null) {
        throw new IllegalArgumentException(file + ": expected {\"runs\": [{\"model\", \"params\", \"a\", \"b\"}, ...]}");
      }
      return new CoefficientRegistry(parsed.runs());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not a coefficient registry: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public List<Entry> runs() {
    return runs;
  }

  /** The predicted slope a for a model of {@code params} non-embedding parameters. */
  public Prediction predictA(double params) {
    return predict(params, runs.stream().mapToDouble(Entry::a).toArray());
  }

  /** The predicted offset b for a model of {@code params} non-embedding parameters. */
  public Prediction predictB(double params) {
    return predict(params, runs.stream().mapToDouble(Entry::b).toArray());
  }

  /** The slope prior for a new run of this size. */
  public SlopePrior slopePrior(double params) {
    Prediction a = predictA(params);
    return new SlopePrior(a.value(), Math.max(a.sd(), 1e-6),
        "registry of " + runs.size() + " run(s), log-linear in model size at " + String.format("%.3g", params) + " params");
  }

  /**
   * Least squares of y on ln N and the prediction at {@code params}, with standard deviation
   * {@code s * sqrt(1 + 1/n + (x0 - mean x)^2 / Sxx)} (s the residual standard deviation); with
   * fewer than three distinct sizes there is no residual, and the standard deviation is
   * {@link #UNKNOWN_RELATIVE_SD} of the prediction.
   */
  private Prediction predict(double params, double[] y) {
    if (!(params > 0) || Double.isInfinite(params)) {
      throw new IllegalArgumentException("model size must be > 0 parameters, was " + params);
    }
    double x0 = Math.log(params);
    long sizes = runs.stream().mapToDouble(Entry::params).distinct().count();
    if (sizes < 2) {
      double mean = Arrays.stream(y).average().orElseThrow();
      return new Prediction(mean, UNKNOWN_RELATIVE_SD * Math.abs(mean));
    }
    SimpleRegression regression = new SimpleRegression();
    for (int i = 0; i < runs.size(); i++) {
      regression.addData(Math.log(runs.get(i).params()), y[i]);
    }
    double value = regression.predict(x0);
    if (sizes < 3) {
      return new Prediction(value, UNKNOWN_RELATIVE_SD * Math.abs(value));
    }
    long n = regression.getN();
    double meanX = runs.stream().mapToDouble(r -> Math.log(r.params())).average().orElseThrow();
    double sxx = regression.getXSumSquares();
    double s = Math.sqrt(regression.getMeanSquareError());
    return new Prediction(value, s * Math.sqrt(1 + 1.0 / n + (x0 - meanX) * (x0 - meanX) / sxx));
  }
}
