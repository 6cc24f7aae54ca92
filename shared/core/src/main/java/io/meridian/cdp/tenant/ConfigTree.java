package io.meridian.cdp.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.privacy.PiiAction;
import io.meridian.cdp.privacy.PiiPolicy;
import io.meridian.cdp.privacy.PiiType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds the tree of a {@code cdp.yaml} to the config records by hand: the fast path of {@link
 * ConfigFile#load} (ADR 0037). Jackson's databind introspects every record of the config on first
 * use, which was about a third of an API function's cold start; this reads the tree that Jackson's
 * YAML parser already gives and calls the same constructors, which validate as before.
 *
 * <p>It binds only what it is sure databind reads the same way: known field names, exactly the
 * expected node type (a string for a {@code String}, an int for an {@code Integer}, a sequence for
 * a list, a mapping for a record or a map). Anything else — an unknown field, a number written
 * where a string belongs, a value a constructor refuses — makes it give up, and {@link ConfigFile}
 * lets databind read the file instead, which either reads it (coercions databind allows) or fails
 * with the reason and the line. So errors keep databind's wording and location, and a file this
 * class binds gives the same records as databind would; {@code ConfigTreeTest} holds both.
 */
final class ConfigTree {

  /** Thrown to give up; {@link #bind} turns it into an empty answer. Carries no stack trace. */
  private static final class Unsure extends RuntimeException {
    private static final Unsure INSTANCE = new Unsure();

    private Unsure() {
      super(null, null, false, false);
    }
  }

  private ConfigTree() {}

  /**
   * The config {@code root} describes, or empty when databind must decide (see the class comment).
   * A missing or null root is the empty config, as databind reads an empty file.
   */
  static Optional<CdpConfig> bind(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Optional.of(CdpConfig.empty());
    }
    try {
      return Optional.of(config(root));
    } catch (RuntimeException e) {
      // Unsure, or a constructor's refusal: databind reads the file again and reports it with the
      // line (ConfigFile.load).
      return Optional.empty();
    }
  }

  private static CdpConfig config(JsonNode node) {
    ObjectNode o = object(node, Set.of("version", "tenants"));
    return new CdpConfig(integer(o, "version"), list(o, "tenants", ConfigTree::tenant));
  }

  private static final Set<String> TENANT_FIELDS =
      Set.of(
          "id",
          "name",
          "rateLimit",
          "defaultPhoneRegion",
          "sources",
          "identity",
          "readKeyHashes",
          "segments",
          "destinations",
          "privacy");

  private static TenantConfig tenant(JsonNode node) {
    ObjectNode o = object(node, TENANT_FIELDS);
    return new TenantConfig(
        text(o, "id"),
        text(o, "name"),
        integer(o, "rateLimit"),
        text(o, "defaultPhoneRegion"),
        list(o, "sources", ConfigTree::source),
        nested(o, "identity", ConfigTree::identity),
        list(o, "readKeyHashes", ConfigTree::text),
        list(o, "segments", ConfigTree::tree),
        list(o, "destinations", ConfigTree::destination),
        nested(o, "privacy", ConfigTree::privacy));
  }

  private static SourceConfig source(JsonNode node) {
    ObjectNode o = object(node, Set.of("id", "writeKeyHashes"));
    return new SourceConfig(text(o, "id"), list(o, "writeKeyHashes", ConfigTree::text));
  }

  private static IdentityRules identity(JsonNode node) {
    ObjectNode o = object(node, Set.of("identifiers", "blocked", "maxLength", "traits"));
    return new IdentityRules(
        list(o, "identifiers", ConfigTree::identifier),
        list(o, "blocked", ConfigTree::text),
        integer(o, "maxLength"),
        map(o, "traits", key -> key, ConfigTree::text));
  }

  private static IdentityRules.IdentifierRule identifier(JsonNode node) {
    ObjectNode o = object(node, Set.of("type", "limit", "paths", "normalize"));
    return new IdentityRules.IdentifierRule(
        text(o, "type"),
        integer(o, "limit"),
        list(o, "paths", ConfigTree::text),
        list(o, "normalize", ConfigTree::text));
  }

  private static final Set<String> DESTINATION_FIELDS =
      Set.of(
          "id",
          "type",
          "pattern",
          "consentPurpose",
          "payload",
          "url",
          "secret",
          "timeoutMillis",
          "maxAttempts",
          "backoff",
          "concurrency");

  private static DestinationConfig destination(JsonNode node) {
    ObjectNode o = object(node, DESTINATION_FIELDS);
    return new DestinationConfig(
        text(o, "id"),
        text(o, "type"),
        nested(o, "pattern", ConfigTree::tree),
        text(o, "consentPurpose"),
        nested(o, "payload", ConfigTree::tree),
        text(o, "url"),
        text(o, "secret"),
        integer(o, "timeoutMillis"),
        integer(o, "maxAttempts"),
        nested(o, "backoff", ConfigTree::backoff),
        integer(o, "concurrency"));
  }

  private static Backoff backoff(JsonNode node) {
    ObjectNode o = object(node, Set.of("initialMillis", "maxMillis"));
    return new Backoff(integer(o, "initialMillis"), integer(o, "maxMillis"));
  }

  private static PiiPolicy privacy(JsonNode node) {
    ObjectNode o = object(node, Set.of("declared", "detected", "hashSecret"));
    return new PiiPolicy(
        map(o, "declared", PiiType::parse, ConfigTree::action),
        map(o, "detected", PiiPolicy::parseKind, ConfigTree::action),
        text(o, "hashSecret"));
  }

  private static PiiAction action(JsonNode node) {
    return PiiAction.parse(text(node), null);
  }

  // --- node readers: each accepts exactly one node type (and null where databind gives null) ---

  private static ObjectNode object(JsonNode node, Set<String> fields) {
    if (!(node instanceof ObjectNode o)) {
      throw Unsure.INSTANCE;
    }
    for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
      if (!fields.contains(names.next())) {
        throw Unsure.INSTANCE;
      }
    }
    return o;
  }

  private static String text(JsonNode node) {
    if (!node.isTextual()) {
      throw Unsure.INSTANCE;
    }
    return node.textValue();
  }

  private static String text(ObjectNode o, String field) {
    return nested(o, field, ConfigTree::text);
  }

  private static Integer integer(ObjectNode o, String field) {
    return nested(
        o,
        field,
        node -> {
          if (!node.isInt()) {
            throw Unsure.INSTANCE;
          }
          return node.intValue();
        });
  }

  /** A JSON-valued field (segments, patterns, payloads): the node itself, but never a null. */
  private static JsonNode tree(JsonNode node) {
    if (node.isNull()) {
      throw Unsure.INSTANCE;
    }
    return node;
  }

  /** The field read by {@code read}; null when absent or written as null. */
  private static <T> T nested(ObjectNode o, String field, Function<JsonNode, T> read) {
    JsonNode node = o.get(field);
    return node == null || node.isNull() ? null : read.apply(node);
  }

  /** A sequence whose items are read by {@code read}; an item written as null gives up. */
  private static <T> List<T> list(ObjectNode o, String field, Function<JsonNode, T> read) {
    JsonNode node = o.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw Unsure.INSTANCE;
    }
    List<T> items = new ArrayList<>(node.size());
    for (JsonNode item : node) {
      if (item.isNull()) {
        throw Unsure.INSTANCE;
      }
      items.add(read.apply(item));
    }
    return items;
  }

  /** A mapping, in the file's order; a value written as null gives up. */
  private static <K, V> Map<K, V> map(
      ObjectNode o, String field, Function<String, K> key, Function<JsonNode, V> value) {
    JsonNode node = o.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw Unsure.INSTANCE;
    }
    Map<K, V> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getValue().isNull()) {
        throw Unsure.INSTANCE;
      }
      out.put(key.apply(e.getKey()), value.apply(e.getValue()));
    }
    return out;
  }
}
