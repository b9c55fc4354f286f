package dev.entropysentinel.trainer.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlGateTest {
  private static final long NOW = 1_700_000_000_000L;
  private final CommandSigner signer = new CommandSigner("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
  private final ControlGate gate = new ControlGate("run-a", signer, Duration.ofSeconds(60));
  private final LossConfig grpo = LossConfig.defaults(Method.GRPO);

  private static ControlCommand command(String run, long seq, long issuedAt, ControlAction action, Map<String, String> params,
      boolean dryRun) {
    return new ControlCommand(SchemaVersion.CURRENT, run, seq, issuedAt, action, "collapse forecast", params, 40, dryRun, "");
  }

  private ControlCommand klCov(long seq) {
    return signer.sign(command("run-a", seq, NOW - 1000, ControlAction.INTERVENE, ControlParameters.klCov(0.1, 2), false));
  }

  @Test
  void aValidSignedFreshInOrderInterveneIsAppliedWithItsParameters() {
    ControlGate.Decision d = gate.decide(new ControlState(3), klCov(4), NOW, grpo);
    assertThat(d.outcome()).isEqualTo(ControlGate.Outcome.APPLY);
    assertThat(d.next()).isEqualTo(new ControlState(4));
    assertThat(d.loss().method()).isEqualTo(Method.KL_COV);
    assertThat(d.loss().klCovRatio()).isEqualTo(0.1);
    assertThat(d.loss().klCoef()).isEqualTo(2.0);
    assertThat(d.reason()).contains("INTERVENE seq=4");
  }

  @Test
  void aCommandForAnotherRunIsRefused() {
    ControlCommand other = signer.sign(command("run-b", 1, NOW, ControlAction.STOP, Map.of(), false));
    assertRefused(gate.decide(ControlState.INITIAL, other, NOW, grpo), "another run: run-b");
  }

  @Test
  void anUnsignedCommandIsRefused() {
    assertRefused(gate.decide(ControlState.INITIAL, command("run-a", 1, NOW, ControlAction.STOP, Map.of(), false), NOW, grpo),
        "unsigned");
  }

  @Test
  void aCommandSignedWithAnotherKeyIsRefusedAsForged() {
    CommandSigner other = new CommandSigner("another-key-of-20-bytes".getBytes(StandardCharsets.UTF_8));
    ControlCommand forged = other.sign(command("run-a", 1, NOW, ControlAction.STOP, Map.of(), false));
    assertRefused(gate.decide(ControlState.INITIAL, forged, NOW, grpo), "forged");
  }

  @Test
  void aCommandAlteredAfterSigningIsRefusedAsForged() {
    ControlCommand signed = klCov(1);
    ControlCommand altered = new ControlCommand(signed.schemaVersion(), signed.runId(), signed.seq(), signed.issuedAtMs(),
        signed.action(), signed.reason(), ControlParameters.klCov(0.5, 9), signed.forecastStep(), false, signed.signature());
    assertRefused(gate.decide(ControlState.INITIAL, altered, NOW, grpo), "forged");
  }

  @Test
  void aReplayedCommandIsRefused() {
    ControlGate.Decision first = gate.decide(ControlState.INITIAL, klCov(1), NOW, grpo);
    assertRefused(gate.decide(first.next(), klCov(1), NOW, grpo), "replayed: seq 1");
  }

  @Test
  void anOutOfOrderCommandIsRefused() {
    assertRefused(gate.decide(new ControlState(5), klCov(3), NOW, grpo), "out of order: seq 3");
  }

  @Test
  void aStaleCommandIsRefusedAndSoIsOneFromTheFuture() {
    ControlCommand old = signer.sign(command("run-a", 1, NOW - 61_000, ControlAction.STOP, Map.of(), false));
    assertRefused(gate.decide(ControlState.INITIAL, old, NOW, grpo), "stale: issued 61000 ms ago");
    ControlCommand future = signer.sign(command("run-a", 1, NOW + 61_000, ControlAction.STOP, Map.of(), false));
    assertRefused(gate.decide(ControlState.INITIAL, future, NOW, grpo), "in the future");
  }

  @Test
  void anUnknownParameterIsRefusedWithItsName() {
    String json = new String(WireJson.write(klCov(1)), StandardCharsets.UTF_8).replace("\"klCoef\"", "\"kl_coef\"");
    ControlGate.Decision d = gate.decide(ControlState.INITIAL, json.getBytes(StandardCharsets.UTF_8), NOW, grpo);
    assertRefused(d, "parameters.kl_coef");
    assertThat(d.seq()).isEqualTo(1);
  }

  @Test
  void aParameterValueTheTrainerCannotUseIsRefusedNamingIt() {
    ControlCommand percent = signer.sign(command("run-a", 1, NOW, ControlAction.INTERVENE, ControlParameters.klCov(20, 1), false));
    assertRefused(gate.decide(ControlState.INITIAL, percent, NOW, grpo), "klCovRatio");
  }

  @Test
  void garbageIsRefusedAsUnreadable() {
    assertRefused(gate.decide(ControlState.INITIAL, "not json".getBytes(StandardCharsets.UTF_8), NOW, grpo), "unreadable");
  }

  @Test
  void aDryRunIsAdviceOnlyButConsumesItsSequenceNumber() {
    ControlCommand dry = signer.sign(command("run-a", 2, NOW, ControlAction.INTERVENE, ControlParameters.klCov(0.1, 1), true));
    ControlGate.Decision d = gate.decide(ControlState.INITIAL, dry, NOW, grpo);
    assertThat(d.outcome()).isEqualTo(ControlGate.Outcome.ADVISE);
    assertThat(d.loss()).isNull();
    assertThat(d.next()).isEqualTo(new ControlState(2));
  }

  @Test
  void theSameMethodKeepsItsOtherParametersAndANewMethodStartsFromItsDefaults() {
    LossConfig tinyKlCov = LossConfig.builder(Method.KL_COV).klCovRatio(0.1).epsLow(0.3).build();
    ControlCommand coef = signer.sign(command("run-a", 1, NOW, ControlAction.INTERVENE, Map.of("klCoef", "3"), false));
    LossConfig same = gate.decide(ControlState.INITIAL, coef, NOW, tinyKlCov).loss();
    assertThat(same.klCovRatio()).isEqualTo(0.1);
    assertThat(same.klCoef()).isEqualTo(3.0);
    ControlCommand clipCov = signer.sign(command("run-a", 1, NOW, ControlAction.INTERVENE, Map.of("method", "clip-cov"), false));
    assertThat(gate.decide(ControlState.INITIAL, clipCov, NOW, tinyKlCov).loss()).isEqualTo(LossConfig.defaults(Method.CLIP_COV));
  }

  @Test
  void theStateSurvivesACheckpoint() {
    assertThat(ControlState.fromCheckpoint(new ControlState(7).toCheckpoint())).isEqualTo(new ControlState(7));
    assertThat(ControlState.fromCheckpoint(Map.of("step", "3"))).isEqualTo(ControlState.INITIAL);
  }

  private static void assertRefused(ControlGate.Decision d, String reason) {
    assertThat(d.outcome()).isEqualTo(ControlGate.Outcome.REFUSE);
    assertThat(d.reason()).contains(reason);
    assertThat(d.loss()).isNull();
  }
}
