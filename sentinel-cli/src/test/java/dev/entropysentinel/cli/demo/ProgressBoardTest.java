package dev.entropysentinel.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBoardTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<DemoAgent> AGENTS = List.of(new DemoAgent("demo-grpo", "built-in GRPO", 60, List.of("train")),
      new DemoAgent("demo-kl-cov", "built-in KL-COV", 60, List.of("train")));

  @Test
  void oneLinePerAgentInPlanOrderWithForecastPhaseAndDecision() throws Exception {
    JsonNode runs = JSON.readTree("""
        [{"runId":"demo-grpo","phase":"COLLAPSING","lastStep":39,"entropy":0.5251,"reward":0.2,"method":"kl-cov",
          "plannedSteps":60,"forecast":{"predictedFinal":0.328,"predictedLo":0.164,"predictedHi":0.491,"finalStep":60},
          "lastDecision":{"seq":1,"step":23,"action":"INTERVENE","dryRun":false,"ack":"APPLIED"}}]""");
    List<String> lines = ProgressBoard.render(runs, AGENTS);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("demo-grpo").contains("step   39/60", "H 0.525", "R +0.20", "kl-cov",
        "forecast 0.328 [0.164, 0.491] @60", "COLLAPSING", "INTERVENE at step 23 (seq 1, APPLIED)");
    assertThat(lines.get(1)).isEqualTo("demo-kl-cov  waiting for its first step (built-in KL-COV)");
  }

  @Test
  void aRunWithoutForecastOrDecisionSaysSoAndAdviceIsMarked() throws Exception {
    JsonNode runs = JSON.readTree("""
        [{"runId":"demo-kl-cov","phase":"BURN_IN","lastStep":4,"entropy":null,"reward":null,"method":"kl-cov",
          "forecast":{"predictedFinal":null},"lastDecision":{"seq":2,"step":50,"action":"STOP","dryRun":true}}]""");
    String line = ProgressBoard.render(runs, AGENTS).get(1);
    assertThat(line).contains("H -", "R -", "forecast -", "BURN_IN", "STOP advised at step 50 (seq 2)")
        .doesNotContain("APPLIED");
  }
}
