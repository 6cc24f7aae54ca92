package io.meridian.cdp.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.clean.EventNormalizer;
import io.meridian.cdp.identity.IdentityRules.IdentifierRule;
import io.meridian.cdp.privacy.PiiCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the identifiers of one event under a tenant's {@link IdentityRules}: from the configured
 * paths and {@code context.externalIds}, normalized, with every unusable value refused and counted
 * by reason. Not thread-safe (it keeps the counts).
 */
public final class IdentifierExtractor {
  /** Reason codes of refused identifier values (docs/IDENTITY.md). */
  public static final String EMPTY = "empty";

  public static final String TOO_LONG = "too_long";
  public static final String NOT_A_STRING = "not_a_string";
  public static final String BLOCKED = "blocked";
  public static final String INVALID_EMAIL = "invalid_email";
  public static final String INVALID_PHONE = "invalid_phone";
  public static final String MASKED = "masked";

  private static final Pattern EMAIL_SHAPE = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");

  private final IdentityRules rules;
  private final String phoneRegion;
  private final Set<String> blocked;
  private final String[][] paths;
  private final Map<String, Long> refused = new TreeMap<>();

  public IdentifierExtractor(IdentityRules rules, String phoneRegion) {
    this.rules = rules;
    this.phoneRegion = phoneRegion;
    this.blocked = rules.blockedValues();
    List<IdentifierRule> ids = rules.identifiers();
    this.paths = new String[ids.size()][];
    for (int i = 0; i < ids.size(); i++) {
      paths[i] = ids.get(i).paths().toArray(String[]::new);
    }
  }

  /** One identifier: a type (its index in the rules' priority order) and a normalized value. */
  public record Identifier(int type, String value) {}

  /**
   * The identifiers of {@code event}, highest priority first, without repeats.
   *
   * @param json parses the event's JSON columns; returns null for null text
   */
  public List<Identifier> extract(IdentityEvent event) {
    List<Identifier> out = new ArrayList<>(4);
    JsonNode externalIds = null;
    boolean externalRead = false;
    for (int t = 0; t < paths.length; t++) {
      for (String path : paths[t]) {
        switch (path) {
          case "userId" -> accept(t, event.userId(), out);
          case "anonymousId" -> accept(t, event.anonymousId(), out);
          case "previousId" -> accept(t, event.previousId(), out);
          default -> acceptNode(t, event.at(path), out);
        }
      }
      if (!externalRead) {
        externalIds = event.at("context.externalIds");
        externalRead = true;
      }
      if (externalIds != null && externalIds.isArray()) {
        String type = rules.identifiers().get(t).type();
        for (JsonNode ext : externalIds) {
          if (ext.isObject() && type.equals(ext.path("type").asText(null))) {
            acceptNode(t, ext.get("id"), out);
          }
        }
      }
    }
    return out;
  }

  /**
   * The stored form of one value of identifier type {@code type} (e.g. an email in any case, a
   * phone as people write it), normalized exactly as when it is extracted from an event: what a
   * lookup must search for. Empty when the type is not configured or the value would be refused.
   */
  public Optional<String> normalize(String type, String value) {
    for (int t = 0; t < paths.length; t++) {
      if (rules.identifiers().get(t).type().equals(type)) {
        List<Identifier> one = new ArrayList<>(1);
        accept(t, value, one);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0).value());
      }
    }
    return Optional.empty();
  }

  /** Refused values so far, by {@code type/reason}. */
  public Map<String, Long> refused() {
    return refused;
  }

  private void acceptNode(int type, JsonNode node, List<Identifier> out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (!node.isTextual()) {
      refuse(type, NOT_A_STRING);
      return;
    }
    accept(type, node.textValue(), out);
  }

  private void accept(int type, String raw, List<Identifier> out) {
    if (raw == null) {
      return;
    }
    String v = raw.strip();
    if (v.isEmpty()) {
      refuse(type, EMPTY);
      return;
    }
    if (v.length() > rules.maxLength()) {
      refuse(type, TOO_LONG);
      return;
    }
    if (PiiCodec.isProtected(v)) {
      // Hashed or tokenized by the tenant's PII policy after this same normalization (ADR 0019):
      // equal people give equal values, so it links as it is.
      addOnce(type, v, out);
      return;
    }
    if (v.contains("***")) {
      // Masked by the PII policy: many people share a masked form, it must never link them.
      refuse(type, MASKED);
      return;
    }
    IdentifierRule rule = rules.identifiers().get(type);
    String lower = v.toLowerCase(Locale.ROOT);
    if (blocked.contains(lower) || IdentityRules.DEGENERATE.matcher(v).matches()) {
      refuse(type, BLOCKED);
      return;
    }
    switch (rule.type()) {
      case IdentityRules.EMAIL -> {
        v = lower;
        if (!EMAIL_SHAPE.matcher(v).matches()) {
          refuse(type, INVALID_EMAIL);
          return;
        }
        v = normalizeEmail(v, rule.normalize());
        if (blocked.contains(v)) {
          refuse(type, BLOCKED);
          return;
        }
      }
      case IdentityRules.PHONE -> {
        var e164 = EventNormalizer.normalizePhone(v, phoneRegion);
        if (e164.isEmpty()) {
          refuse(type, INVALID_PHONE);
          return;
        }
        v = e164.get();
      }
      default -> {
        if (rule.normalize().contains("lowercase")) {
          v = lower;
        }
      }
    }
    addOnce(type, v, out);
  }

  private static void addOnce(int type, String v, List<Identifier> out) {
    for (Identifier existing : out) {
      if (existing.type() == type && existing.value().equals(v)) {
        return;
      }
    }
    out.add(new Identifier(type, v));
  }

  /** Applies the optional provider rules to a lower-cased, well-formed email. */
  static String normalizeEmail(String email, List<String> options) {
    int at = email.lastIndexOf('@');
    String local = email.substring(0, at);
    String domain = email.substring(at + 1);
    boolean gmail = domain.equals("gmail.com") || domain.equals("googlemail.com");
    if (options.contains("plus_tags") || (gmail && options.contains("gmail"))) {
      int plus = local.indexOf('+');
      if (plus > 0) {
        local = local.substring(0, plus);
      }
    }
    if (gmail && options.contains("gmail")) {
      local = local.replace(".", "");
      domain = "gmail.com";
    }
    return local + "@" + domain;
  }

  private void refuse(int type, String reason) {
    refused.merge(rules.identifiers().get(type).type() + "/" + reason, 1L, Long::sum);
  }
}
