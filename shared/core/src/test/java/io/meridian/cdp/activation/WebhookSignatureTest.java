package io.meridian.cdp.activation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final byte[] BODY = "{\"a\":1}".getBytes(UTF_8);
  private static final Instant NOW = Instant.ofEpochSecond(1_790_000_000L);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  @Test
  void theHeaderIsTheHmacOfTimestampDotBody() {
    // computed independently: printf '1790000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    assertThat(WebhookSignature.header("whsec_test", 1_790_000_000L, BODY))
        .isEqualTo(
            "t=1790000000,v1=f08690bbaaecbd1607eb9af71f092a9f7054e2b83f8b9d6a0690744d24fc6059");
  }

  @Test
  void aReceiverVerifiesWhatWasSigned() {
    String header = WebhookSignature.header("whsec_test", NOW.getEpochSecond(), BODY);

    assertThat(WebhookSignature.verify("whsec_test", header, BODY, NOW, TOLERANCE)).isTrue();
  }

  @Test
  void rejectsAnotherSecretAChangedBodyAndAnOldTimestamp() {
    String header = WebhookSignature.header("whsec_test", NOW.getEpochSecond(), BODY);

    assertThat(WebhookSignature.verify("other", header, BODY, NOW, TOLERANCE)).isFalse();
    assertThat(
            WebhookSignature.verify(
                "whsec_test", header, "{\"a\":2}".getBytes(UTF_8), NOW, TOLERANCE))
        .isFalse();
    assertThat(
            WebhookSignature.verify(
                "whsec_test", header, BODY, NOW.plus(Duration.ofMinutes(6)), TOLERANCE))
        .isFalse();
    assertThat(WebhookSignature.verify("whsec_test", "garbage", BODY, NOW, TOLERANCE)).isFalse();
    assertThat(WebhookSignature.verify("whsec_test", null, BODY, NOW, TOLERANCE)).isFalse();
  }

  @Test
  void acceptsAnyMatchingSignatureWhileASecretIsRotated() {
    String old = WebhookSignature.header("old", NOW.getEpochSecond(), BODY);
    String current = WebhookSignature.header("new", NOW.getEpochSecond(), BODY);
    String both = current + "," + old.substring(old.indexOf("v1="));

    assertThat(WebhookSignature.verify("old", both, BODY, NOW, TOLERANCE)).isTrue();
    assertThat(WebhookSignature.verify("new", both, BODY, NOW, TOLERANCE)).isTrue();
  }
}
