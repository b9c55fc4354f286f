package dev.entropysentinel.forecaster.internal;

import java.util.List;
import dev.entropysentinel.forecaster.ValidationPoint;

/**
 * Finds the end of the burn-in: early in RLVR the model first learns the answer format, and the
 * score jumps (0.0 to 0.38 in one validation interval on a real 0.5B run) for reasons unrelated to
 * the entropy trade-off that the law describes. A single increase of at least {@code minJump}
 * making up at least {@code jumpShare} of the early score range marks that jump; the points
 * before it say nothing about the run after it and are excluded, even if one point remains.
 */
public final class BurnIn {
  private BurnIn() {}

  /** Index of the first validation point after the burn-in (0 when there is none). */
  public static int end(List<ValidationPoint> points, double jumpShare, double minJump) {
    double max = points.stream().mapToDouble(ValidationPoint::score).max().orElse(0);
    double min = points.stream().mapToDouble(ValidationPoint::score).min().orElse(0);
    double range = max - min;
    int best = -1;
    double bestJump = 0;
    for (int i = 1; i < points.size(); i++) {
      double jump = points.get(i).score() - points.get(i - 1).score();
      if (jump > bestJump) {
        bestJump = jump;
        best = i;
      }
    }
    boolean isJump = best > 0 && bestJump >= minJump && bestJump >= jumpShare * range;
    return isJump ? best : 0;
  }
}
