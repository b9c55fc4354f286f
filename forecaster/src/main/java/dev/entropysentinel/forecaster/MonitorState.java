package dev.entropysentinel.forecaster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a run's monitor knows, as one immutable value: what {@link MonitorTransition} reads
 * and returns, what the stream processor keeps per run id in a changelogged store
 * ({@link MonitorStateCodec}), and what the HTTP API shows. It does not know its run id (the store's key).
 *
 * <p>Bounded: the entropy trajectory and the validation points are {@link SampledSeries} of a fixed
 * most size, the decisions the last {@link #MAX_DECISIONS}, the pending validations
 * {@link #MAX_PENDING}; so its size, and a changelog record's, does not grow with the run's length.
 *
 * @param version major version of this layout ({@link #VERSION}); another major cannot be read
 * @param totalSteps planned last step, the forecast's target; {@code null} while unknown (no forecast)
 * @param lastStep step of the last entropy, -1 before any
 * @param lastValidationStep step of the last validation received (paired or pending), -1 before any
 * @param lastSeenMs event time of the latest record, {@code null} before any (silence is measured from it)
 * @param entropyCount entropies received
 * @param smoothedEntropy exponential moving average of the entropy, NaN before any
 * @param startLevel mean entropy of the first smoothing span, the collapse detector's reference
 * @param startSum sum of the entropies of the first smoothing span
 * @param lowestEntropy lowest smoothed entropy so far (the explosion detector's reference), +inf before any
 * @param risingFor consecutive steps the smoothed entropy stayed above the explosion threshold
 * @param misses consecutive validations off the law
 * @param stopped a STOP was decided: no decision follows
 * @param activeDetections the detection of every condition currently holding (the latches), by type
 * @param decided conditions that already led to a decision (one per condition)
 * @param decisions the last decisions, oldest first
 * @param forecast the latest forecast, {@code null} before the first validation paired with an entropy
 * @param phase where the run stands (rules in {@link RunPhase})
 * @param stepsToCollapse steps until the smoothed entropy crosses the collapse threshold at its recent
 *     decay rate; {@code null} when it is not falling or has already collapsed
 * @param entropyTrajectory the entropy per step, downsampled ({@link #ENTROPY_SHAPE})
 * @param validations validation points: score and paired entropy per step ({@link #VALIDATION_SHAPE})
 * @param pendingValidations validations waiting for their step's entropy (score per step)
 */
public record MonitorState(
    int version,
    Integer totalSteps,
    int lastStep,
    int lastValidationStep,
    Long lastSeenMs,
    long entropyCount,
    double smoothedEntropy,
    double startLevel,
    double startSum,
    double lowestEntropy,
    int risingFor,
    int misses,
    boolean stopped,
    List<Detection> activeDetections,
    Set<DetectionType> decided,
    List<Decision> decisions,
    ForecastResult forecast,
    RunPhase phase,
    Integer stepsToCollapse,
    SampledSeries entropyTrajectory,
    SampledSeries validations,
    SampledSeries pendingValidations) {

  /** The major version of this layout. */
  public static final int VERSION = 2;
  /**
   * Entropy points kept: the first 3 (the starting level of the remaining-gain estimate), the last
   * 16 (the recent level, late validations' pairing) and up to 48 between. On the shared real logs
   * (105 and 435 steps) the forecasts made from it match those from every point (see the tests).
   */
  public static final SampledSeries.Shape ENTROPY_SHAPE = new SampledSeries.Shape(3, 16, 48);
  /**
   * Validation points kept: the first 4 (where a burn-in jump is found), the last 12 (the
   * forecast's out-of-sample checks use the last 6 origins) and up to 20 between; of the shared
   * real logs, the one with 22 validations keeps every point, the one with 43 all but a few.
   */
  public static final SampledSeries.Shape VALIDATION_SHAPE = new SampledSeries.Shape(4, 12, 20);
  /** Validations waiting for an entropy; beyond this the oldest is dropped (its step's entropy never came). */
  public static final int MAX_PENDING = 16;
  /** Decisions kept for display; at most one per condition is taken anyway. */
  public static final int MAX_DECISIONS = 16;

  public MonitorState {
    if (version != VERSION) {
      throw new IllegalArgumentException("monitor state version " + version + " is not supported (this build reads "
          + VERSION + ")");
    }
    List<Detection> active = new ArrayList<>(activeDetections);
    active.sort(Comparator.comparing(Detection::type));
    for (int i = 1; i < active.size(); i++) {
      if (active.get(i).type() == active.get(i - 1).type()) {
        throw new IllegalArgumentException("monitor state has two active " + active.get(i).type() + " detections");
      }
    }
    activeDetections = List.copyOf(active);
    EnumSet<DetectionType> ordered = EnumSet.noneOf(DetectionType.class);
    ordered.addAll(decided);
    decided = Collections.unmodifiableSet(ordered);
    decisions = List.copyOf(decisions.subList(Math.max(0, decisions.size() - MAX_DECISIONS), decisions.size()));
    entropyTrajectory.requireShape(ENTROPY_SHAPE);
    validations.requireShape(VALIDATION_SHAPE);
    if (entropyTrajectory.width() != 1 || validations.width() != 2 || pendingValidations.width() != 1
        || pendingValidations.size() > MAX_PENDING) {
      throw new IllegalArgumentException("monitor state series have the wrong width or size");
    }
    if (phase == null) {
      throw new IllegalArgumentException("monitor state needs a phase");
    }
  }

  /** The state of a run before any record. */
  public static MonitorState initial(Integer totalSteps) {
    return new MonitorState(VERSION, totalSteps, -1, -1, null, 0, Double.NaN, Double.NaN, 0, Double.POSITIVE_INFINITY,
        0, 0, false, List.of(), Set.of(), List.of(), null, RunPhase.UNKNOWN, null, SampledSeries.empty(1),
        SampledSeries.empty(2), SampledSeries.empty(1));
  }

  /** The condition's detection while it holds. */
  public Optional<Detection> active(DetectionType type) {
    return activeDetections.stream().filter(d -> d.type() == type).findFirst();
  }

  /** The kept validation points, oldest first, the forecaster's input. */
  public List<ValidationPoint> validationPoints() {
    return points(validations);
  }

  /** Validation points of a (score, entropy) series. */
  static List<ValidationPoint> points(SampledSeries validations) {
    List<ValidationPoint> points = new ArrayList<>(validations.size());
    for (int i = 0; i < validations.size(); i++) {
      points.add(new ValidationPoint(validations.step(i), validations.value(0, i), validations.value(1, i)));
    }
    return points;
  }

  /** The kept entropy per step, the forecaster's input. */
  public NavigableMap<Integer, Double> entropyByStep() {
    return entropyTrajectory.asMap(0);
  }
}
