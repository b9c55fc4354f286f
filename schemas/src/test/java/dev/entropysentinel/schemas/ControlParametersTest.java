package dev.entropysentinel.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entropysentinel.schemas.ControlParameters.Parameter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlParametersTest {
  @Test
  void parameterKeysMapToTheTrainersFlags() {
    assertThat(Parameter.KL_COV_RATIO.flag()).isEqualTo("--kl-cov-ratio");
    assertThat(Parameter.STEER_W_MIN.flag()).isEqualTo("--steer-w-min");
    assertThat(Parameter.fromKey("klCoef")).contains(Parameter.KL_COEF);
  }

  @Test
  void klCovIsSpelledInTheVocabulary() {
    assertThat(ControlParameters.klCov(0.002, 1)).containsExactlyInAnyOrderEntriesOf(
        Map.of("method", "kl-cov", "klCovRatio", "0.002", "klCoef", "1.0"));
  }

  @Test
  void anUnknownKeyIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> ControlParameters.validated(Map.of("kl_cov_ratio", "0.002")))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageStartingWith("parameters.kl_cov_ratio: unknown parameter").hasMessageContaining("klCovRatio");
  }

  @Test
  void anUnknownMethodIsRefused() {
    assertThatThrownBy(() -> ControlParameters.validated(Map.of("method", "kl_cov")))
        .hasMessageStartingWith("parameters.method: unknown method \"kl_cov\"").hasMessageContaining("kl-cov");
  }

  @Test
  void aValueMustBeAFiniteNumber() {
    assertThatThrownBy(() -> ControlParameters.validated(Map.of("klCoef", "two")))
        .hasMessage("parameters.klCoef: must be a finite number, was \"two\"");
    assertThatThrownBy(() -> ControlParameters.validated(Map.of("klCoef", "NaN")))
        .hasMessage("parameters.klCoef: must be a finite number, was NaN");
  }

  @Test
  void aCommandWithAParameterOutsideTheVocabularyIsUnreadable() {
    byte[] json = WireJson.write(new ControlCommand(SchemaVersion.CURRENT, "r", 1, 2, ControlAction.INTERVENE, "x",
        Map.of("klCoef", "2"), 0, false, "s"));
    byte[] bad = new String(json, java.nio.charset.StandardCharsets.UTF_8).replace("klCoef", "loss_mode")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> WireJson.read(bad, ControlCommand.class)).hasMessageStartingWith("parameters.loss_mode:");
  }
}
