package dev.entropysentinel.forecaster.cli;

import java.util.Arrays;
import java.util.concurrent.Callable;
import dev.entropysentinel.forecaster.EntropyLawFit;
import dev.entropysentinel.schemas.BenchFigure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel bench fit}: shows that adding a point to the online entropy-law fit costs the
 * same with 10 000 points as with 100 (running moments, no refit). Times are means over several
 * rounds measured side by side (what a user pays), and the ratio is what matters, not the absolute nanoseconds.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = "Update cost of the online entropy-law fit at 10 000 points vs 100 (goal ratio <= 1.5).")
public final class FitBenchCommand implements Callable<Integer> {
  private static final int SMALL = 100;
  private static final int LARGE = 10_000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--updates", defaultValue = "2000000", description = "updates per round (default ${DEFAULT-VALUE})")
  int updates;

  @Option(names = "--rounds", defaultValue = "7", description = "rounds, alternating the two sizes; means are reported (default ${DEFAULT-VALUE})")
  int rounds;

  @Override
  public Integer call() {
    if (updates < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--updates must be >= 1, was " + updates);
    }
    if (rounds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be >= 1, was " + rounds);
    }
    EntropyLawFit small = filled(SMALL);
    EntropyLawFit large = filled(LARGE);
    double[] smallNs = new double[rounds];
    double[] largeNs = new double[rounds];
    double sink = measure(small) + measure(large);
    for (int r = 0; r < rounds; r++) {
      smallNs[r] = measure(small);
      largeNs[r] = measure(large);
      sink += smallNs[r];
    }
    double smallMean = Arrays.stream(smallNs).average().orElseThrow();
    double largeMean = Arrays.stream(largeNs).average().orElseThrow();
    var out = spec.commandLine().getOut();
    out.printf("online entropy-law fit, ns per update (mean of %d rounds of %d updates)%s%n", rounds, updates,
        sink == 0 ? " " : "");
    out.printf("  at %6d points: %8.2f ns (rounds %s)%n", SMALL, smallMean, rounds(smallNs));
    out.printf("  at %6d points: %8.2f ns (rounds %s)%n", LARGE, largeMean, rounds(largeNs));
    out.println(BenchFigure.atMost("fit update cost ratio " + LARGE + "/" + SMALL + " points", largeMean / smallMean, 1.5)
        .line());
    out.flush();
    return 0;
  }

  private double measure(EntropyLawFit base) {
    double acc = 0;
    long start = System.nanoTime();
    for (int i = 0; i < updates; i++) {
      EntropyLawFit next = base.add(0.3 + (i & 63) * 1e-3, 0.5 + (i & 31) * 1e-3);
      acc += next.sxy();
    }
    long elapsed = System.nanoTime() - start;
    return acc == Double.MIN_VALUE ? 0 : (double) elapsed / updates;
  }

  private static EntropyLawFit filled(int n) {
    EntropyLawFit fit = EntropyLawFit.empty();
    for (int i = 0; i < n; i++) {
      double h = 0.5 * Math.exp(-i / (double) n) + 0.05;
      fit = fit.add(h, 0.9 - 0.3 * Math.exp(h));
    }
    return fit;
  }

  private static String rounds(double[] ns) {
    return Arrays.stream(ns).mapToObj(v -> String.format(java.util.Locale.ROOT, "%.1f", v))
        .collect(java.util.stream.Collectors.joining(", "));
  }
}
