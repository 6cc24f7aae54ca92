package io.meridian.cdp.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.IdentifierExtractor;
import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import io.meridian.cdp.identity.IdentityEvent;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.ingest.SuppressionCheck;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.tenant.Ids;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tenant's suppression list: keyed hashes ({@link PrivacyKeys#SUPPRESSION}) of the normalized
 * identifiers of every person erased, never the identifiers. Each erasure adds one object ({@code
 * _state/privacy/tenant=T/suppression/<request>.json}), so two erasures never overwrite each other;
 * the list is their union. Ingestion drops calls that carry a listed identifier and activation
 * never sends a listed profile (ADR 0021).
 */
public final class Suppression implements SuppressionCheck {
  private final ObjectStore store;
  private final PrivacyKeys keys;
  private final Duration recheck;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Set<String> hashes, Instant readAt) {}

  /**
   * @param recheck how long a tenant's list read from the store is used before it is read again
   */
  public Suppression(ObjectStore store, PrivacyKeys keys, Duration recheck, Clock clock) {
    this.store = store;
    this.keys = keys;
    this.recheck = recheck;
    this.clock = clock;
  }

  public static String prefix(String tenant) {
    return "_state/privacy/tenant=" + Ids.require("tenant", tenant) + "/suppression/";
  }

  /** The hash listed for identifier {@code value} (normalized) of {@code type}. */
  public String hash(String tenant, String type, String value) {
    return keys.hmac(tenant, PrivacyKeys.SUPPRESSION, tenant, type, value);
  }

  /** Adds the hashes of one erasure request; writing the same request again changes nothing. */
  public void add(String tenant, String requestId, Collection<String> hashes) throws IOException {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("request", requestId);
    ArrayNode a = o.putArray("hashes");
    new TreeSet<>(hashes).forEach(a::add);
    store.put(
        prefix(tenant) + Ids.require("request", requestId) + ".json",
        Json.MAPPER.writeValueAsBytes(o));
    cache.remove(tenant);
  }

  /** Every hash listed for the tenant. */
  public Set<String> hashes(String tenant) {
    Cached c = cache.get(tenant);
    Instant now = clock.instant();
    if (c == null || c.readAt().plus(recheck).isBefore(now)) {
      Set<String> all = new HashSet<>();
      try {
        for (String key : store.list(prefix(tenant))) {
          if (key.endsWith(".json")) {
            byte[] bytes = store.get(key).orElse(null);
            if (bytes != null) {
              Json.MAPPER.readTree(bytes).path("hashes").forEach(h -> all.add(h.asText()));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the suppression list of " + tenant + " failed", e);
      }
      c = new Cached(Set.copyOf(all), now);
      cache.put(tenant, c);
    }
    return c.hashes();
  }

  /** Whether identifier {@code value} (normalized) of {@code type} is listed. */
  public boolean isSuppressed(String tenant, String type, String value) {
    Set<String> listed = hashes(tenant);
    return !listed.isEmpty() && listed.contains(hash(tenant, type, value));
  }

  /** Whether any of {@code identifiers} (type → values, normalized) is listed. */
  public boolean anySuppressed(
      String tenant, Map<String, ? extends Collection<String>> identifiers) {
    Set<String> listed = hashes(tenant);
    if (listed.isEmpty()) {
      return false;
    }
    for (var e : identifiers.entrySet()) {
      for (String v : e.getValue()) {
        if (listed.contains(hash(tenant, e.getKey(), v))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code call} carries a listed identifier, extracted and normalized as identity
   * resolution does with the tenant's rules. Costs nothing for a tenant with an empty list.
   */
  @Override
  public boolean suppressed(TenantConfig tenant, JsonNode call) {
    Set<String> listed = hashes(tenant.id());
    if (listed.isEmpty() || call == null || !call.isObject()) {
      return false;
    }
    IdentityRules rules = tenant.identityRules();
    IdentifierExtractor extractor = new IdentifierExtractor(rules, tenant.defaultPhoneRegion());
    List<Identifier> ids = extractor.extract(asEvent(call));
    for (Identifier id : ids) {
      String type = rules.identifiers().get(id.type()).type();
      if (listed.contains(hash(tenant.id(), type, id.value()))) {
        return true;
      }
    }
    return false;
  }

  /** A call as identity resolution reads an event (only what identifiers are taken from). */
  static IdentityEvent asEvent(JsonNode call) {
    return new IdentityEvent(
        text(call.get("messageId")),
        text(call.get("type")),
        text(call.get("event")),
        text(call.get("userId")),
        text(call.get("anonymousId")),
        text(call.get("previousId")),
        null,
        null,
        json(call.get("properties")),
        json(call.get("traits")),
        json(call.get("context")));
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
  }

  private static String json(JsonNode n) {
    return n == null || n.isNull() ? null : n.toString();
  }
}
