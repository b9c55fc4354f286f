package dev.entropysentinel.trainer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.trainer.control.ControlGate;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarControlTest {
  private static final CommandSigner SIGNER = new CommandSigner("sidecar-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC);

  private final List<ControlAck> acks = new ArrayList<>();
  private final List<Alert> alerts = new ArrayList<>();
  private final List<String> stops = new ArrayList<>();
  private final List<String> notices = new ArrayList<>();

  private final StatsSink sink = new StatsSink() {
    @Override
    public void accept(dev.entropysentinel.schemas.StepStats s) {}

    @Override
    public void accept(dev.entropysentinel.schemas.EvalResult e) {}

    @Override
    public void accept(ControlAck a) {
      acks.add(a);
    }

    @Override
    public void accept(Alert a) {
      alerts.add(a);
    }

    @Override
    public void close() {}
  };

  private SidecarControl control(JobSpec.Trainer trainer, boolean dryRun, boolean canStop) {
    JobSpec job = new JobSpec(trainer, 500L, Path.of("/ckpt"), 10, "grpo", "m");
    return new SidecarControl("r", new ControlGate("r", SIGNER, Duration.ofMinutes(2)), job, sink, "h", CLOCK, dryRun, canStop,
        () -> 42, stops::add, notices::add);
  }

  private static byte[] command(long seq, ControlAction action, Map<String, String> parameters, CommandSigner signer) {
    ControlCommand c = new ControlCommand(SchemaVersion.CURRENT, "r", seq, CLOCK.millis() - 1000, action, "PLATEAU: flat", parameters,
        40, false, "unsigned");
    return WireJson.write(signer == null ? c : signer.sign(c));
  }

  @Test
  void aSignedStopStartsTheStopOnceAndUnsignedForgedOrReplayedCommandsAreRefused() {
    SidecarControl c = control(JobSpec.Trainer.VERL, false, true);
    c.accept(command(1, ControlAction.STOP, Map.of(), null));
    c.accept(command(1, ControlAction.STOP, Map.of(), new CommandSigner("another-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8))));
    c.accept(command(1, ControlAction.STOP, Map.of(), SIGNER));
    c.accept(command(1, ControlAction.STOP, Map.of(), SIGNER));
    c.accept(command(2, ControlAction.STOP, Map.of(), SIGNER));
    assertThat(stops).containsExactly("STOP seq=1: PLATEAU: flat");
    assertThat(acks).extracting(ControlAck::status).containsExactly(ControlAck.Status.REFUSED, ControlAck.Status.REFUSED,
        ControlAck.Status.APPLIED, ControlAck.Status.REFUSED, ControlAck.Status.APPLIED);
    assertThat(acks.get(0).reason()).as("the placeholder signature of an unsigned command").startsWith("forged");
    assertThat(acks.get(1).reason()).startsWith("forged");
    assertThat(acks.get(3).reason()).startsWith("replayed");
    assertThat(acks.get(4).reason()).isEqualTo("already stopping");
    assertThat(acks).allSatisfy(a -> assertThat(a.step()).isEqualTo(42));
  }

  @Test
  void interveneIsShownAsTheExactVerlOverridesAndAlerted() {
    SidecarControl c = control(JobSpec.Trainer.VERL, false, true);
    c.accept(command(1, ControlAction.INTERVENE, ControlParameters.klCov(0.002, 1.0), SIGNER));
    assertThat(stops).isEmpty();
    String overrides = "actor_rollout_ref.actor.policy_loss.ppo_kl_coef=1.0 actor_rollout_ref.actor.policy_loss.kl_cov_ratio=0.002 "
        + "actor_rollout_ref.actor.policy_loss.loss_mode=kl_cov";
    assertThat(notices).singleElement().asString().contains("restart from the last checkpoint with: " + overrides);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.type()).isEqualTo(Alert.Type.INTERVENTION);
      assertThat(a.summary()).contains(overrides);
    });
    assertThat(acks).singleElement().extracting(ControlAck::status).isEqualTo(ControlAck.Status.APPLIED);
  }

  @Test
  void trlAdviceNamesWhatTrlCannotExpress() {
    SidecarControl c = control(JobSpec.Trainer.TRL, false, true);
    c.accept(command(1, ControlAction.INTERVENE, ControlParameters.klCov(0.002, 1.0), SIGNER));
    assertThat(notices).singleElement().asString().contains("trl has no setting for [klCoef=1.0, klCovRatio=0.002, method=kl-cov]");
  }

  @Test
  void dryRunAndAFollowerWithoutAHookNeverStop() {
    SidecarControl dry = control(JobSpec.Trainer.VERL, true, true);
    dry.accept(command(1, ControlAction.STOP, Map.of(), SIGNER));
    SidecarControl follower = control(JobSpec.Trainer.VERL, false, false);
    follower.accept(command(1, ControlAction.STOP, Map.of(), SIGNER));
    assertThat(stops).isEmpty();
    assertThat(acks).extracting(ControlAck::status).containsOnly(ControlAck.Status.REFUSED);
    assertThat(acks.get(0).reason()).contains("advice only");
    assertThat(acks.get(1).reason()).contains("--stop-hook");
  }
}
