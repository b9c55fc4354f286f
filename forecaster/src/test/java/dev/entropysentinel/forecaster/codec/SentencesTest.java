package dev.entropysentinel.forecaster.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SentencesTest {
  private static String roundTrip(String text) {
    StateBytes.Out out = new StateBytes.Out();
    Sentences.write(out, text);
    StateBytes.In in = new StateBytes.In(out.toBytes());
    String back = Sentences.read(in);
    assertThat(in.remaining()).isZero();
    return back;
  }

  private static int packed(String text) {
    StateBytes.Out out = new StateBytes.Out();
    Sentences.write(out, text);
    return out.toBytes().length;
  }

  @Property(tries = 300)
  void anyTextReadsBackWhole(@ForAll @StringLength(max = 400) @Chars({'.', '-', ' ', '%', '(', ')', ';', ':', ',', 'x', 'é', '€'})
      @CharRange(from = '0', to = '9') @CharRange(from = 'a', to = 'z') String text) {
    assertThat(roundTrip(text)).isEqualTo(text);
  }

  @Property(tries = 200)
  void anyUnicodeTextReadsBackWhole(@ForAll @StringLength(max = 200) String text) {
    assertThat(roundTrip(text)).isEqualTo(text);
  }

  @Test
  void nullEmptyAndLongNumbersReadBack() {
    assertThat(roundTrip(null)).isNull();
    assertThat(roundTrip("")).isEmpty();
    String digits = "-1234567890.1234567890123456789012345678901234567890";
    assertThat(roundTrip(digits)).isEqualTo(digits);
    assertThat(roundTrip("plateau: gain ahead <= 0.0079")).isEqualTo("plateau: gain ahead <= 0.0079");
  }

  @Test
  void aPlateauReasonTakesAQuarterOfItsCharacters() {
    String reason = "plateau: gain ahead <= 0.0079 by step 434 (may forgo 0.0100): drift's 95% bound 0.0079 over 0.37 "
        + "ln-steps left from 11 validations since step 199 (evidence 1x the horizon, the tighter of 1x and 2x; slope "
        + "-0.0221, upper 0.0214; trend now 0.5227); forecast 0.5256 vs current 0.5260 (mean of last 3); saves 135 steps "
        + "(31%)";
    assertThat(roundTrip(reason)).isEqualTo(reason);
    assertThat(packed(reason)).isLessThan(reason.length() / 3);
  }

  @Test
  void aTextsStartAndTheWholeTextPackAsTheirOwnStrings() {
    String reason = "early entropy collapse (step 1663 of 10000) with forecast upper bound 0.589 below target 1.000: "
        + "smoothed entropy 0.5458 fell below 60% of its starting level 0.9097";
    for (int round = 0; round < 2; round++) {
      StateBytes.Out out = new StateBytes.Out();
      Sentences.writeStart(out, reason, 40);
      Sentences.write(out, reason);
      Sentences.writeStart(out, reason, 12);
      StateBytes.In in = new StateBytes.In(out.toBytes());
      assertThat(Sentences.read(in)).isEqualTo(reason.substring(0, 40));
      assertThat(Sentences.read(in)).isEqualTo(reason);
      assertThat(Sentences.read(in)).isEqualTo(reason.substring(0, 12));
      assertThat(in.remaining()).isZero();
    }
  }

  @Test
  void anUnknownPhraseIsRefused() {
    StateBytes.In in = new StateBytes.In(new byte[] {(byte) 250, 0});
    assertThat(assertThrows(IllegalArgumentException.class, () -> Sentences.read(in)))
        .hasMessage("a packed text has an unknown phrase 250");
  }
}
