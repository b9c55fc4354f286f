package dev.entropysentinel.forecaster.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoefficientRegistryTest {

  @Test
  void exactlyLogLinearRunsPredictANewSizeExactly() {
    // a = 0.1 + 0.02 ln N, b = 1.2 - 0.01 ln N
    CoefficientRegistry registry = new CoefficientRegistry(List.of(
        run("s", 5e8), run("m", 3e9), run("l", 1.4e10), run("xl", 3.2e10)));
    assertThat(registry.predictA(7e9).value()).isCloseTo(0.1 + 0.02 * Math.log(7e9), within(1e-12));
    assertThat(registry.predictB(7e9).value()).isCloseTo(1.2 - 0.01 * Math.log(7e9), within(1e-12));
    assertThat(registry.predictA(7e9).sd()).isCloseTo(0, within(1e-9));
  }

  @Test
  void thePredictionStandardErrorGrowsAwayFromTheSizesSeen() {
    CoefficientRegistry registry = new CoefficientRegistry(List.of(
        new CoefficientRegistry.Entry("a", 5e8, 0.50, 0.9), new CoefficientRegistry.Entry("b", 1.5e9, 0.58, 0.9),
        new CoefficientRegistry.Entry("c", 7e9, 0.62, 0.9), new CoefficientRegistry.Entry("d", 3.2e10, 0.75, 0.9)));
    double inside = registry.predictA(3e9).sd();
    double outside = registry.predictA(7e11).sd();
    assertThat(inside).isPositive();
    assertThat(outside).isGreaterThan(inside);
  }

  @Test
  void twoSizesGiveAnHonestlyWidePrior() {
    CoefficientRegistry registry = new CoefficientRegistry(List.of(run("s", 5e8), run("l", 1.4e10)));
    CoefficientRegistry.Prediction a = registry.predictA(3e9);
    assertThat(a.sd()).isEqualTo(CoefficientRegistry.UNKNOWN_RELATIVE_SD * a.value());
    assertThat(registry.slopePrior(3e9).source()).contains("2 run(s)");
  }

  @Test
  void aRegistryFileIsReadAndABadOneNamed(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("registry.json");
    Files.writeString(good, "{\"runs\": [{\"model\": \"qwen2.5-0.5b\", \"params\": 3.6e8, \"a\": 0.27, \"b\": 0.82},"
        + " {\"model\": \"qwen2-7b\", \"params\": 6.5e9, \"a\": 0.16, \"b\": 1.08}]}");
    assertThat(CoefficientRegistry.load(good).runs()).hasSize(2);
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"runs\": [{\"model\": \"x\", \"params\": -1, \"a\": 0.2, \"b\": 0.9}]}");
    assertThatThrownBy(() -> CoefficientRegistry.load(bad)).hasMessageContaining("params must be > 0");
    Path notJson = dir.resolve("x.json");
    Files.writeString(notJson, "runs: nope");
    assertThatThrownBy(() -> CoefficientRegistry.load(notJson)).hasMessageContaining("not a coefficient registry");
  }

  private static CoefficientRegistry.Entry run(String name, double params) {
    return new CoefficientRegistry.Entry(name, params, 0.1 + 0.02 * Math.log(params), 1.2 - 0.01 * Math.log(params));
  }
}
