package io.meridian.cdp.clean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.meridian.cdp.event.Timestamps;
import io.meridian.cdp.ingest.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a valid effective call into a {@link CleanEvent}:
 *
 * <ul>
 *   <li>emails in {@code traits} and {@code context.traits}: trimmed and lower-cased;
 *   <li>phones there: E.164 via libphonenumber, reading numbers without a country code in the
 *       tenant's default region; numbers that cannot be read are kept as sent;
 *   <li>timestamps: UTC; {@code timestamp = receivedAt − (sentAt − originalTimestamp)} when the
 *       client sent both {@code sentAt} and an original timestamp, correcting device clock skew;
 *   <li>ids: numbers become their decimal text.
 * </ul>
 *
 * <p>Not thread-safe: it reuses one JSON generator for all the calls it normalizes.
 */
public final class EventNormalizer {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  /** Distinct phones remembered; the cache starts afresh when it holds this many. */
  static final int PHONE_CACHE_SIZE = 16_384;

  /**
   * {@link #normalizePhone} results by region and phone: parsing with libphonenumber is the
   * costliest step of normalization, and the same people send the same numbers again and again. The
   * function is pure, so a remembered result is the computed one.
   */
  private static final ConcurrentHashMap<PhoneKey, Optional<String>> PHONE_CACHE =
      new ConcurrentHashMap<>();

  private record PhoneKey(String phone, String region) {}

  private final String defaultRegion;
  private final JsonText jsonText = new JsonText();

  public EventNormalizer(String defaultRegion) {
    this.defaultRegion = defaultRegion;
  }

  /**
   * @param envelope receipt metadata
   * @param call the effective call, already validated; may be modified in place
   */
  public CleanEvent normalize(Envelope envelope, JsonNode call) {
    JsonNode traits = call.get("traits");
    normalizeContactTraits(traits);
    JsonNode context = call.get("context");
    if (context != null && context.isObject()) {
      normalizeContactTraits(context.get("traits"));
    }
    Instant receivedAt = envelope.receivedAt();
    Instant sentAt = instant(call, "sentAt");
    Instant original = instant(call, "originalTimestamp");
    Instant explicit = instant(call, "timestamp");
    Instant clientTime = original != null ? original : explicit;
    Instant timestamp;
    if (clientTime != null && sentAt != null) {
      timestamp = receivedAt.minus(Duration.between(clientTime, sentAt));
    } else if (clientTime != null) {
      timestamp = clientTime;
    } else {
      timestamp = receivedAt;
    }
    return new CleanEvent(
        envelope.source(),
        envelope.messageId(),
        text(call, "type"),
        text(call, "event"),
        text(call, "name"),
        text(call, "userId"),
        text(call, "anonymousId"),
        text(call, "groupId"),
        text(call, "previousId"),
        timestamp,
        clientTime,
        sentAt,
        receivedAt,
        json(call.get("properties")),
        json(traits),
        json(context),
        json(call.get("integrations")));
  }

  private void normalizeContactTraits(JsonNode traits) {
    if (traits == null || !traits.isObject()) {
      return;
    }
    ObjectNode t = (ObjectNode) traits;
    JsonNode email = t.get("email");
    if (email != null && email.isTextual()) {
      t.put("email", normalizeEmail(email.asText()));
    }
    JsonNode phone = t.get("phone");
    if (phone != null && phone.isTextual()) {
      cachedNormalizePhone(phone.asText(), defaultRegion).ifPresent(p -> t.put("phone", p));
    }
  }

  /** Trimmed and lower-cased. */
  public static String normalizeEmail(String email) {
    return email.trim().toLowerCase(Locale.ROOT);
  }

  /** {@link #normalizePhone}, remembered in a bounded cache shared by all normalizers. */
  static Optional<String> cachedNormalizePhone(String phone, String defaultRegion) {
    PhoneKey key = new PhoneKey(phone, defaultRegion);
    Optional<String> result = PHONE_CACHE.get(key);
    if (result == null) {
      result = normalizePhone(phone, defaultRegion);
      if (PHONE_CACHE.size() >= PHONE_CACHE_SIZE) {
        PHONE_CACHE.clear();
      }
      PHONE_CACHE.put(key, result);
    }
    return result;
  }

  /** E.164 form of {@code phone}, or empty when it is not a possible number. */
  public static Optional<String> normalizePhone(String phone, String defaultRegion) {
    try {
      PhoneNumber n = PHONES.parse(phone, defaultRegion);
      if (!PHONES.isPossibleNumber(n)) {
        return Optional.empty();
      }
      return Optional.of(PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }

  private static Instant instant(JsonNode call, String field) {
    JsonNode v = call.get(field);
    if (v == null || !v.isTextual()) {
      return null;
    }
    try {
      return Timestamps.parseOffsetInstant(v.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String text(JsonNode call, String field) {
    JsonNode v = call.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isNumber() ? v.numberValue().toString() : v.asText();
  }

  private String json(JsonNode node) {
    return jsonText.of(node);
  }
}
