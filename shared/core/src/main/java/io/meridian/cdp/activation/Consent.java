package io.meridian.cdp.activation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consent map of an activation event (purpose → granted), read from where profiles carry
 * consent: Segment's consent object ({@code context.consent.categoryPreferences}, e.g. {@code
 * {"Advertising": false}}) and a {@code consent} object among the traits (e.g. {@code
 * traits.consent.advertising = false}). Purposes are lower-cased; only boolean values count; when
 * sources disagree on a purpose, {@code false} wins (a refusal is never overridden).
 */
public final class Consent {
  private Consent() {}

  /**
   * Merges consent sources.
   *
   * @param sources JSON objects of purpose → boolean; nulls and non-objects are ignored
   * @return purpose (lower case) → granted, sorted by purpose
   */
  public static Map<String, Boolean> of(JsonNode... sources) {
    Map<String, Boolean> out = new TreeMap<>();
    for (JsonNode source : sources) {
      if (source == null || !source.isObject()) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getValue().isBoolean() && !f.getKey().isBlank()) {
          out.merge(
              f.getKey().toLowerCase(Locale.ROOT),
              f.getValue().booleanValue(),
              Boolean::logicalAnd);
        }
      }
    }
    return out;
  }

  /**
   * Whether {@code event}'s {@code detail.consent} says {@code false} for {@code purpose} (purpose
   * names compared ignoring case). A missing purpose is no refusal (opt-out model).
   */
  public static boolean refuses(ActivationEvent event, String purpose) {
    JsonNode consent = event.detail().get("consent");
    if (consent == null || !consent.isObject()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = consent.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equalsIgnoreCase(purpose)
          && f.getValue().isBoolean()
          && !f.getValue().booleanValue()) {
        return true;
      }
    }
    return false;
  }

  /**
   * How many of {@code events} refuse each of {@code purposes} ({@link #refuses}): what the
   * destinations declaring a purpose leave out, when the bus itself drops refusals (EventBridge on
   * AWS, ADR 0033).
   *
   * @return purpose → count, every purpose present, sorted by purpose
   */
  public static Map<String, Long> refusals(
      java.util.Collection<ActivationEvent> events, java.util.Collection<String> purposes) {
    Map<String, Long> out = new TreeMap<>();
    for (String purpose : purposes) {
      out.put(purpose, events.stream().filter(e -> refuses(e, purpose)).count());
    }
    return out;
  }
}
