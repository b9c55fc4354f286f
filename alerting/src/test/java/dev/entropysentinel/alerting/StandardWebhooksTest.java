package dev.entropysentinel.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.entropysentinel.alerting.StandardWebhooks.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
  // the test vector of the Standard Webhooks reference libraries
  private static final WebhookSecret SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TS = 1614265330;
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final Clock AT_TS = Clock.fixed(Instant.ofEpochSecond(TS), ZoneOffset.UTC);
  private final StandardWebhooks webhooks = new StandardWebhooks(SECRET);

  @Test
  void signatureMatchesTheReferenceVector() {
    assertThat(webhooks.sign(ID, TS, BODY)).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void verifierAcceptsOneMatchingSignatureAmongSeveral() {
    String header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + webhooks.sign(ID, TS, BODY);
    assertDoesNotThrow(() -> webhooks.verify(ID, Long.toString(TS), header, BODY, AT_TS, StandardWebhooks.DEFAULT_TOLERANCE));
  }

  @Test
  void tamperedBodyIsRejected() {
    byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> webhooks.verify(ID, Long.toString(TS), webhooks.sign(ID, TS, BODY), tampered, AT_TS,
        StandardWebhooks.DEFAULT_TOLERANCE)).isInstanceOf(WebhookVerificationException.class).hasMessageContaining("no v1 signature");
  }

  @Test
  void anotherSecretIsRejected() {
    StandardWebhooks other = new StandardWebhooks(WebhookSecret.random());
    assertThatThrownBy(() -> other.verify(ID, Long.toString(TS), webhooks.sign(ID, TS, BODY), BODY, AT_TS,
        StandardWebhooks.DEFAULT_TOLERANCE)).isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void staleTimestampIsRejectedAsAReplay() {
    Clock later = Clock.offset(AT_TS, java.time.Duration.ofMinutes(6));
    assertThatThrownBy(() -> webhooks.verify(ID, Long.toString(TS), webhooks.sign(ID, TS, BODY), BODY, later,
        StandardWebhooks.DEFAULT_TOLERANCE)).isInstanceOf(WebhookVerificationException.class).hasMessageContaining("webhook-timestamp");
  }

  @Test
  void secretRoundTripsAndNeverPrints() {
    WebhookSecret s = WebhookSecret.random();
    assertThat(WebhookSecret.parse(s.encoded())).isEqualTo(s);
    assertThat(s.toString()).doesNotContain(s.encoded().substring(6));
    assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageContaining("at least 24 bytes");
  }
}
