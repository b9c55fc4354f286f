package dev.entropysentinel.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchFigureTest {
  @Test
  void aLineReadsBackAsTheSameFigure() {
    BenchFigure f = BenchFigure.atLeast("streams throughput ratio", 0.7312, 0.7);
    assertThat(f.line()).isEqualTo("streams throughput ratio: 0.731 (goal >= 0.7)");
    assertThat(BenchFigure.parse("  " + f.line())).contains(BenchFigure.atLeast("streams throughput ratio", 0.731, 0.7));
    assertThat(BenchFigure.atMost("decision latency p99 ratio", 5, 5).line())
        .isEqualTo("decision latency p99 ratio: 5 (goal <= 5)");
  }

  @Test
  void goalsAreMetOnTheirSideOnly() {
    assertThat(BenchFigure.atMost("x", 1.5, 1.5).met()).isTrue();
    assertThat(BenchFigure.atMost("x", 1.51, 1.5).met()).isFalse();
    assertThat(BenchFigure.atLeast("x", 0.69, 0.7).met()).isFalse();
    assertThat(BenchFigure.atLeast("x", Double.NaN, 0.7).met()).isFalse();
  }

  @Test
  void otherLinesAreNotFigures() {
    assertThat(BenchFigure.parse("  ratio with/alone: 0.98 (goal >= 0.9) extra")).isEmpty();
    assertThat(BenchFigure.parse("alone: 1879 alerts/s (mean; rounds 1443, 1960, 2233)")).isEmpty();
    assertThatThrownBy(() -> new BenchFigure("a", 1, "<", 2)).hasMessageContaining("comparator");
  }
}
