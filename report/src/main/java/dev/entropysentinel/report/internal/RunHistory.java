package dev.entropysentinel.report.internal;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.StepStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Everything recorded about one run, bounded however long the run: the per-step series keep at
 * most {@link #MAX_POINTS} points (validations and forecasts {@link #MAX_EVAL_POINTS}) by thinning
 * to every 2nd, 4th, ... step (the last step always stays), so a live dashboard's memory does not
 * grow with the run. Not thread-safe; {@code
 * RunRecords} guards it.
 */
public final class RunHistory {
  /** Steps kept per run before the series is thinned. */
  public static final int MAX_POINTS = 640;
  /** Validations and forecasts kept per run (they come at the validation cadence; a forecast carries its reason). */
  public static final int MAX_EVAL_POINTS = 256;

  private final String runId;
  private RunInfo info;
  private final Thinned<StepPoint> steps = new Thinned<>(MAX_POINTS);
  private final Thinned<EvalResult> evals = new Thinned<>(MAX_EVAL_POINTS);
  private final Thinned<Forecast> forecasts = new Thinned<>(MAX_EVAL_POINTS);
  private Forecast latestForecast;
  private final Map<String, Alert> alerts = new LinkedHashMap<>();
  private final Map<String, Alert> latestByAlertId = new LinkedHashMap<>();
  private final NavigableMap<Long, ControlCommand> commands = new TreeMap<>();
  private final Map<Long, ControlAck> acks = new LinkedHashMap<>();

  public RunHistory(String runId) {
    this.runId = runId;
  }

  public void add(RunInfo r) {
    info = r;
  }

  /** Merges a rank's step; the covariance groups of earlier steps are dropped (only the latest step's are shown). */
  public void add(StepStats s) {
    boolean newLast = steps.isEmpty() || s.step() > steps.lastKey();
    StepPoint previousLast = newLast && !steps.isEmpty() ? steps.lastEntry().getValue() : null;
    steps.computeIfAbsent(s.step(), StepPoint::new).add(s);
    if (previousLast != null) {
      previousLast.dropTopGroups();
    }
  }

  /** The latest validation of a step wins, as the monitor takes each one as it comes. */
  public void add(EvalResult e) {
    evals.put(e.step(), e);
  }

  /**
   * In the series the last forecast of a step wins (a step's evals and entropy can each produce
   * one); the run's current forecast is the one that came last, whatever its step.
   */
  public void add(Forecast f) {
    forecasts.put(f.step(), f);
    latestForecast = f;
  }

  /** Alerts by (id, status): a firing and its resolve both stay; a repeat replaces its twin. */
  public void add(Alert a) {
    alerts.put(a.alertId() + "/" + a.status(), a);
    latestByAlertId.put(a.alertId(), a);
  }

  public void add(ControlCommand c) {
    commands.put(c.seq(), c);
  }

  /** The first acknowledgement of a command counts (a trainer answers once per command per rank). */
  public void add(ControlAck a) {
    acks.putIfAbsent(a.seq(), a);
  }

  public String runId() {
    return runId;
  }

  /** The run's description, null until its run record arrived. */
  public RunInfo info() {
    return info;
  }

  public List<StepPoint> steps() {
    return new ArrayList<>(steps.values());
  }

  /** The latest step, null before any. */
  public StepPoint lastStep() {
    return steps.isEmpty() ? null : steps.lastEntry().getValue();
  }

  /** The last forecast of the latest step at or before {@code step} still kept, null when none. */
  public Forecast forecastAtOrBefore(long step) {
    Map.Entry<Long, Forecast> e = forecasts.floorEntry(step);
    return e == null ? null : e.getValue();
  }

  public List<EvalResult> evals() {
    return new ArrayList<>(evals.values());
  }

  public List<Forecast> forecasts() {
    return new ArrayList<>(forecasts.values());
  }

  /** The forecast received last, null before any. */
  public Forecast latestForecast() {
    return latestForecast;
  }

  public List<Alert> alerts() {
    return new ArrayList<>(alerts.values());
  }

  /** The alerts whose latest notice is FIRING (a RESOLVED one after it clears it), in the order they first fired. */
  public List<Alert> firingAlerts() {
    return latestByAlertId.values().stream().filter(a -> a.status() == Alert.Status.FIRING).toList();
  }

  public List<ControlCommand> commands() {
    return new ArrayList<>(commands.values());
  }

  public ControlAck ack(long seq) {
    return acks.get(seq);
  }

  /** The entropy at {@code step}, or at the closest recorded step before it; NaN before any. */
  public double entropyAt(long step) {
    Map.Entry<Long, StepPoint> e = steps.floorEntry(step);
    return e == null ? Double.NaN : e.getValue().entropy();
  }

  /**
   * A step-keyed map that stays under its limit: when full it keeps only the steps that are
   * multiples of a doubled stride, and always its last step.
   */
  static final class Thinned<V> extends TreeMap<Long, V> {
    private final int limit;
    private long stride = 1;

    Thinned(int limit) {
      this.limit = limit;
    }

    @Override
    public V put(Long step, V value) {
      V old = super.put(step, value);
      thin();
      return old;
    }

    @Override
    public V computeIfAbsent(Long step, java.util.function.Function<? super Long, ? extends V> make) {
      V v = super.computeIfAbsent(step, make);
      thin();
      return v;
    }

    private void thin() {
      while (size() > limit) {
        stride *= 2;
        long last = lastKey();
        keySet().removeIf(k -> k % stride != 0 && k != last);
      }
    }
  }
}
