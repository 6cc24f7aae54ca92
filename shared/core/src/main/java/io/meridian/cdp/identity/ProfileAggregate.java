package io.meridian.cdp.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The traits and computed traits of one profile, kept in a form where adding an event and merging
 * two profiles are commutative: counts add, first/last are min/max, days are a set, and each trait
 * keeps the value with the latest (or, for first-wins traits, earliest) (timestamp, message id). So
 * a profile built incrementally equals one built from scratch, whatever the order.
 */
final class ProfileAggregate {
  /** The {@code Order Completed} event of the Segment e-commerce spec. */
  static final String ORDER_COMPLETED = "Order Completed";

  private record Trait(JsonNode value, long at, String messageId) {}

  long createdAt = Long.MAX_VALUE;
  long updatedAt = Long.MIN_VALUE;
  long firstSeen = Long.MAX_VALUE;
  long lastSeen = Long.MIN_VALUE;
  long eventCount;
  final Map<String, Long> eventCounts = new TreeMap<>();
  final TreeSet<Long> days = new TreeSet<>();
  BigDecimal revenue = BigDecimal.ZERO;
  long orders;
  long lastOrder = Long.MIN_VALUE;
  private final Map<String, Trait> latest = new TreeMap<>();
  private final Map<String, Trait> first = new TreeMap<>();

  /**
   * Consent per purpose (lower case), the latest (timestamp, message id) decision wins: from {@code
   * context.consent.categoryPreferences} of any call (Segment's consent management fields).
   */
  private final Map<String, Trait> consent = new TreeMap<>();

  /** Where a consent decision was read from ({@code source} of curated.consent_history). */
  static final String CONSENT_FROM_CONTEXT = "context.consent.categoryPreferences";

  static final String CONSENT_FROM_TRAITS = "traits.consent";

  /** One recorded consent decision. Ordered by purpose, time, message id, source. */
  record Decision(String purpose, long at, String messageId, String source, boolean granted)
      implements Comparable<Decision> {
    @Override
    public int compareTo(Decision o) {
      int c = purpose.compareTo(o.purpose);
      if (c == 0) {
        c = Long.compare(at, o.at);
      }
      if (c == 0) {
        c = messageId.compareTo(o.messageId);
      }
      if (c == 0) {
        c = source.compareTo(o.source);
      }
      return c != 0 ? c : Boolean.compare(granted, o.granted);
    }
  }

  /**
   * Every consent decision of the profile's events: a set, so that adding events in any order and
   * merging profiles give the same history (curated.consent_history is derived from it).
   */
  private final TreeSet<Decision> decisions = new TreeSet<>();

  /** Adds one event of this profile. */
  void add(IdentityEvent e, IdentityRules rules) {
    long ts = ResolveIdentities.micros(e.timestamp());
    long received = ResolveIdentities.micros(e.receivedAt());
    eventCount++;
    firstSeen = Math.min(firstSeen, ts);
    lastSeen = Math.max(lastSeen, ts);
    updatedAt = Math.max(updatedAt, received);
    days.add(Math.floorDiv(ts, 86_400_000_000L));
    String name = "track".equals(e.type()) && e.event() != null ? e.event() : "$" + e.type();
    eventCounts.merge(name, 1L, Long::sum);
    addConsent(e.context().path("consent").path("categoryPreferences"), ts, e.messageId());
    if ("group".equals(e.type())) {
      return; // group traits describe the company, not the person
    }
    if ("identify".equals(e.type())) {
      addTraits(e.traits(), ts, e.messageId(), rules);
      recordDecisions(e.traits().path("consent"), ts, e.messageId(), CONSENT_FROM_TRAITS);
    }
    addTraits(e.context().path("traits"), ts, e.messageId(), rules);
    if ("track".equals(e.type()) && ORDER_COMPLETED.equals(e.event())) {
      orders++;
      lastOrder = Math.max(lastOrder, ts);
      BigDecimal amount = amount(e.properties().get("revenue"));
      if (amount == null) {
        amount = amount(e.properties().get("total"));
      }
      if (amount != null) {
        revenue = revenue.add(amount);
      }
    }
  }

  private static BigDecimal amount(JsonNode n) {
    if (n == null) {
      return null;
    }
    if (n.isNumber()) {
      return n.decimalValue();
    }
    if (n.isTextual()) {
      try {
        return new BigDecimal(n.textValue().strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private void addTraits(JsonNode traits, long ts, String messageId, IdentityRules rules) {
    if (traits == null || !traits.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = traits.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      offer(f.getKey(), new Trait(f.getValue(), ts, messageId), rules);
    }
  }

  private void addConsent(JsonNode preferences, long ts, String messageId) {
    if (!preferences.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = preferences.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getValue().isBoolean()) {
        offerConsent(
            f.getKey().strip().toLowerCase(Locale.ROOT), new Trait(f.getValue(), ts, messageId));
      }
    }
    recordDecisions(preferences, ts, messageId, CONSENT_FROM_CONTEXT);
  }

  private void recordDecisions(JsonNode preferences, long ts, String messageId, String source) {
    if (preferences == null || !preferences.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = preferences.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String purpose = f.getKey().strip().toLowerCase(Locale.ROOT);
      if (f.getValue().isBoolean() && !purpose.isEmpty()) {
        decisions.add(new Decision(purpose, ts, messageId, source, f.getValue().booleanValue()));
      }
    }
  }

  /**
   * Rows of {@code curated.consent_history}: per purpose in time order, the first decision and
   * every decision that differs from the one before it.
   */
  List<Object[]> consentHistory(String profileId) {
    List<Object[]> out = new ArrayList<>();
    String purpose = null;
    Boolean last = null;
    for (Decision d : decisions) {
      if (!d.purpose().equals(purpose)) {
        purpose = d.purpose();
        last = null;
      }
      if (last == null || last != d.granted()) {
        out.add(
            new Object[] {
              profileId,
              d.purpose(),
              d.granted(),
              ResolveIdentities.instant(d.at()),
              d.messageId(),
              d.source()
            });
        last = d.granted();
      }
    }
    return out;
  }

  private void offerConsent(String purpose, Trait t) {
    consent.merge(purpose, t, (a, b) -> before(a, b) ? b : a);
  }

  private void offer(String name, Trait t, IdentityRules rules) {
    if (rules.firstWins(name)) {
      first.merge(name, t, (a, b) -> before(a, b) ? a : b);
    } else {
      latest.merge(name, t, (a, b) -> before(a, b) ? b : a);
    }
  }

  private static boolean before(Trait a, Trait b) {
    return a.at != b.at ? a.at < b.at : a.messageId.compareTo(b.messageId) < 0;
  }

  /** Folds {@code other} (a profile merged into this one) into this aggregate. */
  void merge(ProfileAggregate other, IdentityRules rules) {
    createdAt = Math.min(createdAt, other.createdAt);
    updatedAt = Math.max(updatedAt, other.updatedAt);
    firstSeen = Math.min(firstSeen, other.firstSeen);
    lastSeen = Math.max(lastSeen, other.lastSeen);
    eventCount += other.eventCount;
    other.eventCounts.forEach((k, v) -> eventCounts.merge(k, v, Long::sum));
    days.addAll(other.days);
    revenue = revenue.add(other.revenue);
    orders += other.orders;
    lastOrder = Math.max(lastOrder, other.lastOrder);
    other.latest.forEach((k, t) -> offer(k, t, rules));
    other.first.forEach((k, t) -> offer(k, t, rules));
    other.consent.forEach(this::offerConsent);
    decisions.addAll(other.decisions);
  }

  /** Purpose → whether the person consents, for the purposes they decided on. */
  ObjectNode consent() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    consent.forEach((k, t) -> out.set(k, t.value));
    return out;
  }

  /** The merged traits, without nulls. */
  ObjectNode traits() {
    Map<String, JsonNode> all = new TreeMap<>();
    latest.forEach((k, t) -> all.put(k, t.value));
    first.forEach((k, t) -> all.put(k, t.value));
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    all.forEach(
        (k, v) -> {
          if (!v.isNull()) {
            out.set(k, v);
          }
        });
    return out;
  }

  /** The public row of {@code curated.profiles}. */
  Object[] row(String profileId, JsonNode identifiers) {
    return row(profileId, identifiers, traits());
  }

  /** The public row of {@code curated.profiles}, with the {@link #traits()} already built. */
  Object[] row(String profileId, JsonNode identifiers, ObjectNode traits) {
    ObjectNode counts = JsonNodeFactory.instance.objectNode();
    eventCounts.forEach(counts::put);
    return new Object[] {
      profileId,
      ResolveIdentities.instant(createdAt),
      ResolveIdentities.instant(Math.max(updatedAt, createdAt)),
      traits.toString(),
      identifiers.toString(),
      ResolveIdentities.instant(firstSeen),
      ResolveIdentities.instant(lastSeen),
      eventCount,
      counts.toString(),
      days.size(),
      revenue.doubleValue(),
      orders,
      lastOrder == Long.MIN_VALUE ? null : ResolveIdentities.instant(lastOrder),
      consent().toString()
    };
  }

  /** This aggregate as JSON, for the private state table. */
  ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("created", createdAt).put("updated", updatedAt).put("firstSeen", firstSeen);
    o.put("lastSeen", lastSeen).put("count", eventCount).put("revenue", revenue.toPlainString());
    o.put("orders", orders).put("lastOrder", lastOrder);
    ObjectNode counts = o.putObject("counts");
    eventCounts.forEach(counts::put);
    var d = o.putArray("days");
    days.forEach(d::add);
    o.set("latest", traitsJson(latest));
    o.set("firstWins", traitsJson(first));
    o.set("consent", traitsJson(consent));
    var h = o.putArray("decisions");
    for (Decision x : decisions) {
      h.addArray().add(x.purpose()).add(x.at()).add(x.messageId()).add(x.source()).add(x.granted());
    }
    return o;
  }

  private static ObjectNode traitsJson(Map<String, Trait> traits) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    traits.forEach(
        (k, t) -> {
          ObjectNode v = out.putObject(k);
          v.set("v", t.value);
          v.put("t", t.at).put("m", t.messageId);
        });
    return out;
  }

  static ProfileAggregate fromJson(JsonNode o) {
    ProfileAggregate a = new ProfileAggregate();
    a.createdAt = o.get("created").asLong();
    a.updatedAt = o.get("updated").asLong();
    a.firstSeen = o.get("firstSeen").asLong();
    a.lastSeen = o.get("lastSeen").asLong();
    a.eventCount = o.get("count").asLong();
    a.revenue = new BigDecimal(o.get("revenue").asText());
    a.orders = o.get("orders").asLong();
    a.lastOrder = o.get("lastOrder").asLong();
    o.get("counts")
        .fields()
        .forEachRemaining(e -> a.eventCounts.put(e.getKey(), e.getValue().asLong()));
    o.get("days").forEach(d -> a.days.add(d.asLong()));
    readTraits(o.get("latest"), a.latest);
    readTraits(o.get("firstWins"), a.first);
    if (o.has("consent")) { // state written before consent was recorded has none
      readTraits(o.get("consent"), a.consent);
    }
    if (o.has("decisions")) { // state written before the consent history was kept has none
      for (JsonNode d : o.get("decisions")) {
        a.decisions.add(
            new Decision(
                d.get(0).asText(),
                d.get(1).asLong(),
                d.get(2).asText(),
                d.get(3).asText(),
                d.get(4).asBoolean()));
      }
    }
    return a;
  }

  private static void readTraits(JsonNode o, Map<String, Trait> into) {
    o.fields()
        .forEachRemaining(
            e ->
                into.put(
                    e.getKey(),
                    new Trait(
                        e.getValue().get("v"),
                        e.getValue().get("t").asLong(),
                        e.getValue().get("m").asText())));
  }
}
