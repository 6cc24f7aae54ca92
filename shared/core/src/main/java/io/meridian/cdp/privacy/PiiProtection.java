package io.meridian.cdp.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.IdentifierExtractor;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.tenant.TenantConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Applies each tenant's {@link PiiPolicy} to rows of {@code clean.events} on their way from raw to
 * clean (ADR 0019): declared fields ({@link PiiFields}) by their kind, and what the {@link
 * PiiDetector} finds in undeclared properties and traits by the kind found. Identifiers are
 * normalized as identity resolution normalizes them <em>before</em> they are hashed or tokenized,
 * so equal people give equal hashes. Counts by kind and action, never values.
 */
public final class PiiProtection {
  private static final int USER_ID = column("user_id");
  private static final int ANONYMOUS_ID = column("anonymous_id");
  private static final int PREVIOUS_ID = column("previous_id");
  private static final int PROPERTIES = column("properties");
  private static final int TRAITS = column("traits");
  private static final int CONTEXT = column("context");

  private final Function<String, Optional<TenantConfig>> tenants;
  private final PiiKeys keys;

  /**
   * @param tenants the configuration of a tenant id (absent: the default policy); null for no
   *     protection at all
   * @param keys key material for hashing and tokenizing; may be null when no tenant needs it
   */
  public PiiProtection(Function<String, Optional<TenantConfig>> tenants, PiiKeys keys) {
    this.tenants = tenants;
    this.keys = keys;
  }

  /** Protection that changes nothing (the converter without a policy source). */
  public static PiiProtection none() {
    return new PiiProtection(null, null);
  }

  private static int column(String name) {
    var cols = CleanTables.EVENTS.columns();
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("clean.events has no column " + name);
  }

  /** The step for one conversion of {@code tenant}'s records. Not thread-safe. */
  public Step forTenant(String tenant) {
    if (tenants == null) {
      return Step.NONE;
    }
    Optional<TenantConfig> config = tenants.apply(tenant);
    PiiPolicy policy = config.map(TenantConfig::privacyPolicy).orElse(PiiPolicy.DEFAULT);
    if (policy.keepsAll()) {
      return Step.NONE;
    }
    TenantConfig t = config.orElse(TenantConfig.named(tenant, tenant));
    PiiCodec codec =
        policy.hashes() || policy.tokenizes()
            ? requireKeys(tenant).codec(tenant, policy)
            : new PiiCodec(null, null);
    return new Step(policy, codec, t.identityRules(), t.defaultPhoneRegion());
  }

  /**
   * How a normalized identifier value of {@code identityType} is stored under the tenant's policy,
   * so that a lookup (profile API, {@code cdp profile}) finds it: hashed or tokenized like the
   * events were; empty when the policy masks or drops that kind (nothing can be found by it).
   * Identifier types that are not declared personal data are stored as they are.
   */
  public Optional<String> storedForm(TenantConfig tenant, String identityType, String normalized) {
    PiiType type =
        switch (identityType) {
          case IdentityRules.EMAIL -> PiiType.EMAIL;
          case IdentityRules.PHONE -> PiiType.PHONE;
          case IdentityRules.USER_ID -> PiiType.USER_ID;
          case IdentityRules.ANONYMOUS_ID -> PiiType.DEVICE_ID;
          default -> null;
        };
    if (type == null || tenants == null || PiiCodec.isProtected(normalized)) {
      return Optional.of(normalized);
    }
    PiiPolicy policy = tenant.privacyPolicy();
    return switch (policy.action(type)) {
      case KEEP -> Optional.of(normalized);
      case HASH ->
          Optional.of(requireKeys(tenant.id()).codec(tenant.id(), policy).hash(normalized));
      case TOKENIZE ->
          Optional.of(requireKeys(tenant.id()).codec(tenant.id(), policy).tokenize(normalized));
      case MASK, DROP -> Optional.empty();
    };
  }

  private PiiKeys requireKeys(String tenant) {
    if (keys == null) {
      throw new IllegalStateException(
          "tenant '" + tenant + "' hashes or tokenizes personal data, but no key service is wired");
    }
    return keys;
  }

  /**
   * The transform of one tenant's rows, with its counts ({@code declared.<kind>.<action>} and
   * {@code detected.<kind>.<action>}: how many values each action was applied to).
   */
  public static class Step {
    /** A step that returns every row as it is and counts nothing. */
    public static final Step NONE = new Step();

    private final PiiPolicy policy;
    private final PiiCodec codec;
    private final IdentifierExtractor identity;
    private final IdentityRules rules;
    private final PiiDetector detector;
    private final Map<String, Long> counts = new TreeMap<>();
    private final java.io.StringWriter buffer = new java.io.StringWriter(1024);
    private com.fasterxml.jackson.core.JsonGenerator generator;
    private final Map<String, String> hashes = new java.util.HashMap<>();
    private final Map<String, String> tokens = new java.util.HashMap<>();
    private boolean dirty;

    /** Distinct values whose hash or token a step remembers (the same ids recur in a batch). */
    private static final int MEMO_SIZE = 16_384;

    private Step() {
      this.policy = null;
      this.codec = null;
      this.identity = null;
      this.rules = null;
      this.detector = null;
    }

    Step(PiiPolicy policy, PiiCodec codec, IdentityRules rules, String phoneRegion) {
      this.policy = policy;
      this.codec = codec;
      this.rules = rules;
      this.identity = new IdentifierExtractor(rules, phoneRegion);
      this.detector = new PiiDetector(phoneRegion);
    }

    /** Whether rows pass unchanged. */
    public boolean isNoop() {
      return policy == null;
    }

    /** Values handled so far, by {@code declared|detected.<kind>.<action>}. */
    public Map<String, Long> counts() {
      return Map.copyOf(counts);
    }

    /**
     * The row with the policy applied (the same array, changed in place). Text columns may be
     * Strings or UTF-8 byte arrays; changed ones become Strings.
     */
    public Object[] apply(Object[] row) {
      if (policy == null) {
        return row;
      }
      row[USER_ID] = identifier(row[USER_ID], PiiType.USER_ID, IdentityRules.USER_ID);
      row[ANONYMOUS_ID] =
          identifier(row[ANONYMOUS_ID], PiiType.DEVICE_ID, IdentityRules.ANONYMOUS_ID);
      row[PREVIOUS_ID] = identifier(row[PREVIOUS_ID], PiiType.USER_ID, IdentityRules.ANONYMOUS_ID);
      row[TRAITS] = json(row[TRAITS], this::traits);
      row[CONTEXT] = json(row[CONTEXT], this::context);
      row[PROPERTIES] = json(row[PROPERTIES], this::free);
      return row;
    }

    private Object identifier(Object cell, PiiType type, String identityType) {
      if (cell == null) {
        return null;
      }
      String v = cell instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : (String) cell;
      JsonNode out = declared(TextNode.valueOf(v), type, identityType);
      if (out == null) {
        return null;
      }
      return out.textValue().equals(v) ? cell : out.textValue();
    }

    private interface Transform {
      /** Changes the node in place, setting {@code dirty} when it changed something. */
      void apply(ObjectNode node);
    }

    private Object json(Object cell, Transform transform) {
      if (cell == null) {
        return null;
      }
      String text =
          cell instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : (String) cell;
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a clean JSON column is not JSON", e);
      }
      if (!(node instanceof ObjectNode obj)) {
        return cell;
      }
      dirty = false;
      transform.apply(obj);
      if (!dirty) {
        return cell;
      }
      return write(obj);
    }

    /**
     * Compact JSON text of {@code node}, as Json.MAPPER writes it, through one reused generator.
     */
    private String write(JsonNode node) {
      buffer.getBuffer().setLength(0);
      try {
        if (generator == null) {
          generator = Json.MAPPER.createGenerator(buffer);
          generator.setRootValueSeparator(null);
        }
        Json.MAPPER.writeTree(generator, node);
        generator.flush();
      } catch (java.io.IOException | RuntimeException e) {
        generator = null;
        throw new IllegalStateException("writing a clean JSON column failed", e);
      }
      return buffer.toString();
    }

    /** {@code hash} or {@code tokenize} of {@code value}, remembered for repeated values. */
    private String transform(PiiAction action, String value) {
      Map<String, String> memo = action == PiiAction.HASH ? hashes : tokens;
      String out = memo.get(value);
      if (out == null) {
        out = action == PiiAction.HASH ? codec.hash(value) : codec.tokenize(value);
        if (memo.size() >= MEMO_SIZE) {
          memo.clear();
        }
        memo.put(value, out);
      }
      return out;
    }

    private void traits(ObjectNode traits) {
      for (Map.Entry<String, PiiType> f : PiiFields.TRAIT_FIELDS.entrySet()) {
        declaredField(traits, f.getKey(), f.getValue());
      }
      List<String> names = new ArrayList<>();
      traits.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (!PiiFields.TRAIT_FIELDS.containsKey(name)) {
          freeField(traits, name);
        }
      }
    }

    private void context(ObjectNode context) {
      for (Map.Entry<String, PiiType> f : PiiFields.CONTEXT_FIELDS.entrySet()) {
        declaredField(context, f.getKey(), f.getValue());
      }
      if (context.get("traits") instanceof ObjectNode t) {
        traits(t);
      }
    }

    private void declaredField(ObjectNode parent, String field, PiiType type) {
      JsonNode v = parent.get(field);
      if (v == null || v.isNull()) {
        return;
      }
      String identityType =
          switch (type) {
            case EMAIL -> IdentityRules.EMAIL;
            case PHONE -> IdentityRules.PHONE;
            default -> null;
          };
      JsonNode out = declared(v, type, identityType);
      if (out == null) {
        parent.remove(field);
        dirty = true;
      } else if (out != v) {
        parent.set(field, out);
        dirty = true;
      }
    }

    /** The declared value transformed, the same node when kept, null when dropped. */
    private JsonNode declared(JsonNode v, PiiType type, String identityType) {
      PiiAction action = policy.action(type);
      if (action == PiiAction.KEEP) {
        count("declared", type.yamlName(), action);
        return v;
      }
      if (action == PiiAction.DROP) {
        count("declared", type.yamlName(), action);
        return null;
      }
      if (action == PiiAction.MASK) {
        count("declared", type.yamlName(), action);
        return mask(v, type);
      }
      String text = v.isTextual() ? v.textValue() : v.isNumber() ? v.asText() : v.toString();
      if (PiiCodec.isProtected(text)) {
        count("declared", type.yamlName(), action);
        return v;
      }
      if (identityType != null && configured(identityType)) {
        Optional<String> normalized = identity.normalize(identityType, text);
        if (normalized.isEmpty()) {
          // A value identity resolution refuses (blocked, malformed) must not become a hash that
          // links people: it is dropped.
          count("declared", type.yamlName(), PiiAction.DROP);
          return null;
        }
        text = normalized.get();
      }
      count("declared", type.yamlName(), action);
      return TextNode.valueOf(transform(action, text));
    }

    private boolean configured(String identityType) {
      return rules.identifiers().stream().anyMatch(r -> r.type().equals(identityType));
    }

    private static JsonNode mask(JsonNode v, PiiType type) {
      if (v.isTextual() || v.isNumber()) {
        String text = v.isTextual() ? v.textValue() : v.asText();
        return TextNode.valueOf(
            type == PiiType.IP
                ? PiiMask.maskIp(text)
                : PiiMask.mask(type == PiiType.EMAIL ? PiiKind.EMAIL : null, text));
      }
      if (v.isObject()) {
        ObjectNode copy = Json.MAPPER.createObjectNode();
        v.fields().forEachRemaining(e -> copy.set(e.getKey(), mask(e.getValue(), type)));
        return copy;
      }
      if (v.isArray()) {
        ArrayNode copy = Json.MAPPER.createArrayNode();
        v.forEach(e -> copy.add(mask(e, type)));
        return copy;
      }
      return v;
    }

    // ---- undeclared fields: what the detector finds ----

    private void free(ObjectNode obj) {
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        freeField(obj, name);
      }
    }

    /** Scans one field (name and value) of {@code parent}. */
    private void freeField(ObjectNode parent, String name) {
      JsonNode value = parent.get(name);
      String newName = name;
      List<PiiMatch> inName = detector.detect(name, "");
      if (!inName.isEmpty()) {
        newName = rewrite(name, inName);
        if (newName == null) {
          parent.remove(name);
          dirty = true;
          return;
        }
      }
      JsonNode out = freeValue(value, name);
      if (out == null) {
        parent.remove(name);
        dirty = true;
      } else if (!newName.equals(name)) {
        parent.remove(name);
        parent.set(newName, out);
        dirty = true;
      } else if (out != value) {
        parent.set(name, out); // keeps the field's position
        dirty = true;
      }
    }

    /** The value scanned and handled; the same node when unchanged, null when dropped. */
    private JsonNode freeValue(JsonNode value, String fieldName) {
      if (value.isObject()) {
        free((ObjectNode) value);
        return value;
      }
      if (value.isArray()) {
        ArrayNode a = (ArrayNode) value;
        for (int i = 0; i < a.size(); i++) {
          JsonNode e = a.get(i);
          JsonNode out = freeValue(e, fieldName);
          if (out == null) {
            a.set(i, NullNode.getInstance());
            dirty = true;
          } else if (out != e) {
            a.set(i, out);
            dirty = true;
          }
        }
        return value;
      }
      if (!value.isTextual() && !value.isNumber()) {
        return value;
      }
      String text = value.isTextual() ? value.textValue() : value.asText();
      List<PiiMatch> matches = detector.detect(text, fieldName);
      if (matches.isEmpty()) {
        return value;
      }
      String out = rewrite(text, matches);
      if (out == null) {
        return null;
      }
      return out.equals(text) ? value : TextNode.valueOf(out);
    }

    /** {@code text} with each match handled by its kind's action; null when one says drop. */
    private String rewrite(String text, List<PiiMatch> matches) {
      boolean drop = false;
      for (PiiMatch m : matches) {
        PiiAction a = policy.action(m.kind());
        count("detected", m.kind().name().toLowerCase(java.util.Locale.ROOT), a);
        drop |= a == PiiAction.DROP;
      }
      if (drop) {
        return null;
      }
      List<PiiMatch> sorted = new ArrayList<>(matches);
      sorted.sort(Comparator.comparingInt(PiiMatch::start).reversed());
      StringBuilder b = new StringBuilder(text);
      for (PiiMatch m : sorted) {
        String found = text.substring(m.start(), m.end());
        String replacement =
            switch (policy.action(m.kind())) {
              case KEEP -> found;
              case MASK ->
                  m.kind() == PiiKind.IP_ADDRESS
                      ? PiiMask.maskIp(found)
                      : PiiMask.mask(m.kind(), found);
              case HASH, TOKENIZE -> transform(policy.action(m.kind()), found);
              case DROP -> throw new IllegalStateException("handled above");
            };
        b.replace(m.start(), m.end(), replacement);
      }
      return b.toString();
    }

    private void count(String where, String kind, PiiAction action) {
      counts.merge(where + "." + kind + "." + action.yamlName(), 1L, Long::sum);
    }
  }
}
