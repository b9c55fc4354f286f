package dev.entropysentinel.forecaster;

import dev.entropysentinel.schemas.ControlParameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class RunMonitorTest {
  private static final int STEPS = 400;

  /** A clock the test moves by hand, so silence is tested without sleeping. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.EPOCH;

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private static RunMonitor monitor(MonitorConfig config) {
    return new RunMonitor(config, ForecastConfig.ofDefaults(), STEPS, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  }

  /** Feeds entropy(step) for every step and score(step) every ten steps; returns all updates. */
  private static List<MonitorUpdate> feed(RunMonitor m, int steps, IntToDoubleFunction entropy, IntToDoubleFunction score) {
    List<MonitorUpdate> updates = new ArrayList<>();
    for (int t = 1; t <= steps; t++) {
      updates.add(m.onEntropy(t, entropy.applyAsDouble(t)));
      if (score != null && t % 10 == 0) {
        updates.add(m.onValidation(t, score.applyAsDouble(t)));
      }
    }
    return updates;
  }

  private static List<Detection> detections(List<MonitorUpdate> updates, DetectionType type) {
    return updates.stream().flatMap(u -> u.detections().stream()).filter(d -> d.type() == type).toList();
  }

  private static List<Decision> decisions(List<MonitorUpdate> updates) {
    return updates.stream().flatMap(u -> u.decisions().stream()).toList();
  }

  @Test
  void entropyFallingToAFifthOfItsStartIsACollapseWithEvidence() {
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 150, t -> 0.5 * Math.exp(-t / 40.0), null);
    List<Detection> found = detections(u, DetectionType.ENTROPY_COLLAPSE);
    assertThat(found).hasSize(1);
    assertThat(found.get(0).evidence().get("entropy")).isLessThan(0.25 * found.get(0).evidence().get("startEntropy"));
    assertThat(found.get(0).reason()).contains("fell below 25%");
  }

  @Test
  void entropyFallingOnlyByHalfIsNoCollapse() {
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 300, t -> 0.25 + 0.25 * Math.exp(-t / 40.0), null);
    assertThat(detections(u, DetectionType.ENTROPY_COLLAPSE)).isEmpty();
  }

  @Test
  void aSustainedRiseAfterTheLowIsAnExplosion() {
    IntToDoubleFunction h = t -> t < 100 ? 0.4 * Math.exp(-t / 30.0) + 0.05 : 0.066 + 0.01 * (t - 100);
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 200, h, null);
    assertThat(detections(u, DetectionType.ENTROPY_EXPLOSION)).hasSize(1);
  }

  @Test
  void aOneStepSpikeIsNoExplosion() {
    IntToDoubleFunction h = t -> t == 120 ? 0.5 : 0.1;
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 200, h, null);
    assertThat(detections(u, DetectionType.ENTROPY_EXPLOSION)).isEmpty();
  }

  @Test
  void anEntropyHoveringAtTheThresholdFiresOnceThanksToHysteresis() {
    // smoothed entropy oscillates across 25% of the start (0.1 of 0.4) by less than the 20% margin
    IntToDoubleFunction h = t -> t <= 10 ? 0.4 : 0.1 + 0.01 * ((t / 15) % 2 == 0 ? 1 : -1);
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults().withDryRun(false)), 400, h, null);
    assertThat(detections(u, DetectionType.ENTROPY_COLLAPSE)).hasSize(1);
  }

  @Test
  void aCollapseThatRecoversClearlyCanFireAgainButDecidesOnlyOnce() {
    IntToDoubleFunction h = t -> t <= 10 ? 0.4 : (t / 60) % 2 == 0 ? 0.3 : 0.05;
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 400, h, null);
    assertThat(detections(u, DetectionType.ENTROPY_COLLAPSE)).hasSizeGreaterThan(1);
    assertThat(decisions(u)).filteredOn(d -> d.cause() == DetectionType.ENTROPY_COLLAPSE).hasSize(1);
  }

  @Test
  void anEarlyCollapseBelowTargetIsAnInterventionWithTheConfiguredChanges() {
    MonitorConfig config = MonitorConfig.ofDefaults().withDryRun(false);
    List<MonitorUpdate> u = feed(monitor(config), 150, t -> 0.5 * Math.exp(-t / 40.0), null);
    List<Decision> d = decisions(u);
    assertThat(d).hasSize(1);
    assertThat(d.get(0).action()).isEqualTo(Decision.Action.INTERVENE);
    assertThat(d.get(0).parameterChanges()).containsEntry(ControlParameters.METHOD, "kl-cov");
    assertThat(d.get(0).dryRun()).isFalse();
    assertThat(d.get(0).label()).isEqualTo("INTERVENE");
  }

  @Test
  void aLateCollapseIsReportedButNotIntervenedOn() {
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 400, t -> 0.5 * Math.exp(-t / 200.0), null);
    assertThat(detections(u, DetectionType.ENTROPY_COLLAPSE)).hasSize(1);
    assertThat(detections(u, DetectionType.ENTROPY_COLLAPSE).get(0).step()).isGreaterThan(STEPS / 2);
    assertThat(decisions(u)).isEmpty();
  }

  @Test
  void aSaturatedScoreIsAPlateauAndStopsTheRunOnceThenDecidesNothingMore() {
    RunMonitor m = monitor(MonitorConfig.ofDefaults());
    List<MonitorUpdate> u = feed(m, 300, t -> 0.3, t -> 0.7 + 0.001 * Math.sin(t));
    List<Decision> d = decisions(u);
    assertThat(detections(u, DetectionType.PLATEAU)).isNotEmpty();
    assertThat(d).hasSize(1);
    assertThat(d.get(0).action()).isEqualTo(Decision.Action.STOP);
    assertThat(d.get(0).label()).isEqualTo("ADVISE STOP");
    assertThat(m.forecast().forecast()).isNotNull();
  }

  @Test
  void aScoreStillRisingFastIsNoPlateau() {
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 100, t -> 0.5 * Math.exp(-t / 300.0),
        t -> 0.2 + 0.004 * t);
    assertThat(detections(u, DetectionType.PLATEAU)).isEmpty();
  }

  @Test
  void scoresThatKeepMissingTheLawBreakTheFit() {
    IntToDoubleFunction h = t -> 0.5 * Math.exp(-t / 100.0) + 0.05;
    IntToDoubleFunction score = t -> t <= 60 ? 1.0 - 0.4 * Math.exp(h.applyAsDouble(t)) : 0.1;
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 120, h, score);
    List<Detection> broken = detections(u, DetectionType.FIT_BROKEN);
    assertThat(broken).hasSize(1);
    assertThat(broken.get(0).step()).isEqualTo(80);
  }

  @Test
  void scoresOnTheLawDoNotBreakTheFit() {
    IntToDoubleFunction h = t -> 0.5 * Math.exp(-t / 100.0) + 0.05;
    List<MonitorUpdate> u = feed(monitor(MonitorConfig.ofDefaults()), 200, h, t -> 1.0 - 0.4 * Math.exp(h.applyAsDouble(t)));
    assertThat(detections(u, DetectionType.FIT_BROKEN)).isEmpty();
  }

  @Test
  void aRunSilentLongerThanTheTimeoutIsReportedOnceUntilItSpeaksAgain() {
    ManualClock clock = new ManualClock();
    RunMonitor m = new RunMonitor(MonitorConfig.ofDefaults(), ForecastConfig.ofDefaults(), STEPS, clock);
    m.onEntropy(1, 0.4);
    clock.advance(Duration.ofMinutes(29));
    assertThat(m.checkSilence().detections()).isEmpty();
    clock.advance(Duration.ofMinutes(2));
    assertThat(m.checkSilence().detections()).extracting(Detection::type).containsExactly(DetectionType.SILENT_RUN);
    assertThat(m.checkSilence().detections()).isEmpty();
    m.onEntropy(2, 0.4);
    clock.advance(Duration.ofMinutes(31));
    assertThat(m.checkSilence().detections()).hasSize(1);
  }

  @Test
  void badMonitorSettingsNameTheKeyAndValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> new MonitorConfig(10, 1.5, 2, 5, 0.2, 0.1, 0.01, DriftShape.LINEAR, 0.05, 0.5,
        1.0, Duration.ofMinutes(1), Map.of(), true));
    assertThat(e).hasMessage("monitor.collapseFraction must be in (0, 1), was 1.5");
  }
}
