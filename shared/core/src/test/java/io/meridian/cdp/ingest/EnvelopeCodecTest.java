package io.meridian.cdp.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeCodecTest {
  private static final Instant RECEIVED_AT = Instant.parse("2026-11-24T10:00:00.123456789Z");

  private static final String TRICKY_PAYLOAD =
      "{ \"type\": \"track\",\n"
          + "  \"event\": \"Caf\u00e9 \u2603 \uD83D\uDE00 \u65E5\u672C \\\"quoted\\\"\",\r\n"
          + "\t\"properties\": {\"path\": \"C:\\\\temp\", \"sep\": \"\u2028\u2029\", \"ctl\": \"\u0001\"}\n"
          + "}";

  private static Envelope envelope(String type, String batch, String payload) {
    return new Envelope("acme", "web", "msg-1", type, RECEIVED_AT, "req-1", batch, payload);
  }

  @Test
  void roundTripKeepsPayloadExactlyIncludingUnicodeNewlinesAndQuotes() {
    Envelope original =
        envelope("track", "{\"context\":{\"library\":{\"name\":\"a\\\"b\"}}}", TRICKY_PAYLOAD);

    String line = EnvelopeCodec.encode(original);

    assertThat(line).doesNotContain("\n").doesNotContain("\r");
    assertThat(EnvelopeCodec.decode(line)).isEqualTo(original);
  }

  @Test
  void roundTripThroughBytesAtAnOffset() {
    Envelope original = envelope("identify", null, TRICKY_PAYLOAD);
    byte[] line = EnvelopeCodec.encodeBytes(original);
    byte[] padded = new byte[line.length + 10];
    System.arraycopy(line, 0, padded, 5, line.length);
    padded[4] = '\n';
    padded[5 + line.length] = '\n';

    assertThat(EnvelopeCodec.decode(padded, 5, line.length)).isEqualTo(original);
    assertThat(new String(line, UTF_8)).isEqualTo(EnvelopeCodec.encode(original));
  }

  @Test
  void roundTripWithNullBatchTypeAndRequestId() {
    Envelope original =
        new Envelope("acme", "web", "cdp-1", null, RECEIVED_AT, null, null, "{\"x\":1}");

    String line = EnvelopeCodec.encode(original);
    Envelope decoded = EnvelopeCodec.decode(line);

    assertThat(decoded).isEqualTo(original);
    assertThat(decoded.type()).isNull();
    assertThat(decoded.batch()).isNull();
    assertThat(decoded.requestId()).isNull();
    assertThat(line).doesNotContain("\"batch\"").doesNotContain("\"type\"");
  }

  @Test
  void roundTripOfPayloadThatIsNotJson() {
    Envelope original = envelope(null, null, "not json at all: \"\\ \u0000 end");

    assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(original))).isEqualTo(original);
  }

  @Test
  void writesTheFormatVersion() {
    String line = EnvelopeCodec.encode(envelope("track", null, "{}"));

    assertThat(line).startsWith("{\"v\":" + EnvelopeCodec.VERSION + ",");
  }

  @Test
  void ignoresUnknownFieldsForForwardCompatibility() {
    Envelope original = envelope("track", null, "{}");
    String line = EnvelopeCodec.encode(original);
    String extended = line.substring(0, line.length() - 1) + ",\"future\":{\"a\":[1,2]}}";

    assertThat(EnvelopeCodec.decode(extended)).isEqualTo(original);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "{",
        "[1,2,3]",
        "\"a string\"",
        "{\"v\":1,\"tenant\":\"acme\"",
        "{\"v\":\"one\",\"tenant\":\"acme\"}"
      })
  void decodingGarbageIsIllegalArgument(String line) {
    assertThatThrownBy(() -> EnvelopeCodec.decode(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("envelope");
    byte[] bytes = line.getBytes(UTF_8);
    assertThatThrownBy(() -> EnvelopeCodec.decode(bytes, 0, bytes.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("envelope");
  }

  @Test
  void decodingUnknownVersionNamesTheVersion() {
    String line =
        EnvelopeCodec.encode(envelope("track", null, "{}")).replace("\"v\":1,", "\"v\":2,");

    assertThatThrownBy(() -> EnvelopeCodec.decode(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 2");
  }

  @Test
  void decodingLineWithoutRequiredFieldIsIllegalArgument() {
    String line =
        EnvelopeCodec.encode(envelope("track", null, "{}")).replace("\"tenant\":\"acme\",", "");

    assertThatThrownBy(() -> EnvelopeCodec.decode(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("required field");
  }

  @Test
  void decodingUnreadableReceivedAtIsIllegalArgument() {
    String line =
        EnvelopeCodec.encode(envelope("track", null, "{}"))
            .replace(RECEIVED_AT.toString(), "yesterday");

    assertThatThrownBy(() -> EnvelopeCodec.decode(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("receivedAt");
  }

  @Test
  void decodingFieldOfTheWrongJsonTypeIsIllegalArgument() {
    String complete = EnvelopeCodec.encode(envelope("track", null, "{}"));
    String withoutTenant = complete.replace("\"tenant\":\"acme\",", "");
    String line =
        withoutTenant.substring(0, withoutTenant.length() - 1) + ",\"tenant\":{\"id\":\"acme\"}}";

    assertThatThrownBy(() -> EnvelopeCodec.decode(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant");
  }
}
