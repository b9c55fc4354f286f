package dev.entropysentinel.forecaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import dev.entropysentinel.forecaster.ingest.RunSeries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two shared real logs through the monitor: the replay's wrapper and the bare transition (with
 * a serialisation round trip at every record, as the processor's store does) decide identically,
 * the decisions are the ones the unbounded monitor took, and the forecasts made from the bounded
 * state stay within a hair of those made from every point.
 */
class RealLogMonitorTest {
  /** Largest gap allowed between a bounded-state forecast and the all-points one (score units). */
  private static final double FORECAST_TOLERANCE = 0.005;

  private static RunSeries series(String name) throws Exception {
    Path log = Path.of(Objects.requireNonNull(RealLogMonitorTest.class.getResource("/verl-logs/" + name)).toURI());
    return RunSeries.from(MetricLogReader.read(log, LogFormat.VERL));
  }

  /** The records of a log in the replay's order: by step, the entropy before the validation. */
  private static List<MonitorEvent> events(RunSeries s) {
    TreeSet<Integer> steps = new TreeSet<>(s.entropy().keySet());
    steps.addAll(s.validation().keySet());
    List<MonitorEvent> out = new ArrayList<>();
    for (int step : steps) {
      if (s.entropy().containsKey(step)) {
        out.add(new MonitorEvent.Entropy(step, s.entropy().get(step), 0));
      }
      if (s.validation().containsKey(step)) {
        out.add(new MonitorEvent.Validation(step, s.validation().get(step), 0));
      }
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource({
      "qwen2-7b-gsm8k-math-grpo-megatron.log, 'PLATEAU@70 ADVISE STOP'",
      "qwen2.5-0.5b-gsm8k-ppo.log, 'ENTROPY_COLLAPSE@111 ADVISE INTERVENE;PLATEAU@319 ADVISE STOP'"})
  void replayAndTransitionDecideAsTheUnboundedMonitorDid(String name, String expected) throws Exception {
    RunSeries s = series(name);
    int total = s.entropy().lastKey();
    MonitorTransition transition = new MonitorTransition(MonitorConfig.ofDefaults(), ForecastConfig.ofDefaults());
    RunMonitor monitor = new RunMonitor(MonitorConfig.ofDefaults(), ForecastConfig.ofDefaults(), total,
        Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    CeilingForecaster unbounded = new CeilingForecaster(ForecastConfig.ofDefaults());
    NavigableMap<Integer, Double> allEntropy = new TreeMap<>();
    List<String> viaMonitor = new ArrayList<>();
    List<String> viaTransition = new ArrayList<>();
    double worst = 0;
    MonitorState state = MonitorState.initial(total);
    for (MonitorEvent e : events(s)) {
      MonitorUpdate u = e instanceof MonitorEvent.Entropy h ? monitor.onEntropy(h.step(), h.entropy())
          : monitor.onValidation(((MonitorEvent.Validation) e).step(), ((MonitorEvent.Validation) e).score());
      u.decisions().forEach(d -> viaMonitor.add(d.cause() + "@" + d.step() + " " + d.label()));
      MonitorStep step = transition.apply(MonitorStateCodec.fromBytes(MonitorStateCodec.toBytes(state)), e);
      state = step.state();
      step.decisions().forEach(d -> viaTransition.add(d.cause() + "@" + d.step() + " " + d.label()));
      if (e instanceof MonitorEvent.Entropy h) {
        allEntropy.put(h.step(), h.entropy());
      }
      if (step.forecastUpdated() && state.forecast().forecast() != null) {
        List<ValidationPoint> all = s.validationPoints().stream()
            .filter(p -> p.step() <= ((MonitorEvent.Validation) e).step()).toList();
        Forecast full = unbounded.forecast(all, allEntropy, total).forecast();
        Forecast bounded = state.forecast().forecast();
        worst = Math.max(worst, Math.max(Math.abs(full.value() - bounded.value()),
            Math.max(Math.abs(full.lo() - bounded.lo()), Math.abs(full.hi() - bounded.hi()))));
      }
    }
    System.out.printf("%s: worst forecast gap %.6f, state %d bytes%n", name, worst,
        MonitorStateCodec.toBytes(state).length);
    assertThat(viaTransition).isEqualTo(viaMonitor).containsExactly(expected.split(";"));
    assertThat(worst).isLessThanOrEqualTo(FORECAST_TOLERANCE);
  }
}
