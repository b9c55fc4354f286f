package dev.entropysentinel.trainer.stats;

import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.StepStats;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress on the terminal from rank 0's records: step, entropy, reward, last validation score
 * and ETA. On a TTY one line is rewritten every step; otherwise (logs, CI) a line is printed at
 * most every {@code interval}, and for the last step, so logs are not flooded.
 */
public final class ConsoleProgress implements StatsSink {
  private final PrintStream out;
  private final boolean interactive;
  private final Duration interval;
  private final Clock clock;
  private final long totalSteps;
  private final long startMs;
  private long lastPrintMs = Long.MIN_VALUE;
  private long firstStep = -1;
  private double lastScore = Double.NaN;

  public ConsoleProgress(PrintStream out, boolean interactive, Duration interval, Clock clock, long totalSteps) {
    this.out = out;
    this.interactive = interactive;
    this.interval = interval;
    this.clock = clock;
    this.totalSteps = totalSteps;
    this.startMs = clock.millis();
  }

  @Override
  public void accept(StepStats s) {
    if (s.rank() != 0) {
      return;
    }
    if (firstStep < 0) {
      firstStep = s.step();
    }
    long now = clock.millis();
    boolean last = s.step() == totalSteps - 1;
    boolean printedBefore = lastPrintMs != Long.MIN_VALUE; // now - MIN_VALUE would overflow
    if (!interactive && !last && printedBefore && now - lastPrintMs < interval.toMillis()) {
      return;
    }
    lastPrintMs = now;
    long done = s.step() - firstStep + 1;
    long etaSeconds = Math.round((now - startMs) / 1000.0 / done * (totalSteps - 1 - s.step()));
    String line = String.format(Locale.ROOT, "step %d/%d  entropy %.4f  reward %.3f  val %s  %.0f ms/step  ETA %dm%02ds",
        s.step(), totalSteps, s.entropyMean(), s.rewardMean(), Double.isNaN(lastScore) ? "-" : String.format(Locale.ROOT, "%.3f", lastScore),
        s.stepTimeMs(), etaSeconds / 60, etaSeconds % 60);
    if (interactive) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public void accept(EvalResult eval) {
    lastScore = eval.score();
  }

  @Override
  public void close() {
    out.flush();
  }
}
