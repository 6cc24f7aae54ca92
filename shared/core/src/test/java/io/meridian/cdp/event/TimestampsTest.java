package io.meridian.cdp.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast parser gives java.time's results, and java.time's errors. */
class TimestampsTest {

  private static List<String> texts() {
    List<String> out =
        new ArrayList<>(
            List.of(
                "2026-11-24T10:00:00Z",
                "2026-11-24T10:00:00.5Z",
                "2026-11-24T10:00:00.123456789Z",
                "2026-11-24T10:00:00.1234567891Z",
                "2026-11-24T10:00:00.Z",
                "2026-11-24T10:00:00+05:30",
                "2026-11-24T10:00:00.250-08:00",
                "2026-11-24T10:00:00+14:59",
                "2026-11-24T10:00:00+18:00",
                "2026-11-24T10:00:00+18:01",
                "2026-11-24T10:00:00-00:00",
                "2026-11-24T10:00:00+05:30:15",
                "2026-11-24t10:00:00z",
                "2026-11-24T10:00Z",
                "2026-11-24T24:00:00Z",
                "2026-12-31T23:59:60Z",
                "2024-02-29T12:00:00Z",
                "2026-02-29T12:00:00Z",
                "2000-02-29T12:00:00Z",
                "1900-02-29T12:00:00Z",
                "2026-04-31T12:00:00Z",
                "2026-00-10T12:00:00Z",
                "0000-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999999Z",
                "+12026-11-24T10:00:00Z",
                "2026-11-24 10:00:00Z",
                "2026-11-24T10:00:00",
                "2026-1-24T10:00:00Z",
                "2026-11-24T10:00:00ZZ",
                "2026-11-24T1a:00:00Z",
                ""));
    Random random = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      Instant t =
          Instant.ofEpochSecond(random.nextLong() % 10_000_000_000L, random.nextInt(1_000_000_000));
      out.add(t.toString());
      int offsetMinutes = (random.nextInt(29) - 14) * 60 + (random.nextBoolean() ? 30 : 0);
      out.add(
          OffsetDateTime.ofInstant(t, java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60))
              .toString());
    }
    return out;
  }

  @Test
  void offsetDateTimesMatchJavaTime() {
    int parsed = 0;
    for (String text : texts()) {
      OffsetDateTime expected;
      try {
        expected = OffsetDateTime.parse(text);
      } catch (DateTimeParseException e) {
        assertThatThrownBy(() -> Timestamps.parseOffsetDateTime(text))
            .as(text)
            .isInstanceOf(DateTimeParseException.class);
        continue;
      }
      assertThat(Timestamps.parseOffsetDateTime(text)).as(text).isEqualTo(expected);
      parsed++;
    }
    assertThat(parsed).isGreaterThan(3_000);
  }

  @Test
  void offsetInstantsMatchJavaTime() {
    int parsed = 0;
    for (String text : texts()) {
      Instant expected;
      try {
        expected = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        assertThatThrownBy(() -> Timestamps.parseOffsetInstant(text))
            .as(text)
            .isInstanceOf(DateTimeParseException.class);
        continue;
      }
      assertThat(Timestamps.parseOffsetInstant(text)).as(text).isEqualTo(expected);
      parsed++;
    }
    assertThat(parsed).isGreaterThan(3_000);
  }

  @Test
  void commonShapeFromBytesIsTheCommonShapeFromText() {
    int parsed = 0;
    for (String text : texts()) {
      byte[] bytes = ("[" + text + "]").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      Instant fromText = Timestamps.parseCommonShape(text);
      assertThat(Timestamps.parseCommonShape(bytes, 1, bytes.length - 1))
          .as(text)
          .isEqualTo(fromText);
      if (fromText != null) {
        parsed++;
      }
    }
    assertThat(parsed).isGreaterThan(3_000);
  }

  @Test
  void instantsMatchJavaTime() {
    int parsed = 0;
    for (String text : texts()) {
      Instant expected;
      try {
        expected = Instant.parse(text);
      } catch (DateTimeParseException e) {
        assertThatThrownBy(() -> Timestamps.parseInstant(text))
            .as(text)
            .isInstanceOf(DateTimeParseException.class);
        continue;
      }
      assertThat(Timestamps.parseInstant(text)).as(text).isEqualTo(expected);
      parsed++;
    }
    assertThat(parsed).isGreaterThan(1_000);
  }
}
