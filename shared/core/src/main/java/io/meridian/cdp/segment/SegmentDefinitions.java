package io.meridian.cdp.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads segment definitions (docs/SEGMENTS.md) from {@code cdp.yaml} and from a folder of {@code
 * *.yaml}/{@code *.json} files, and validates them. Any invalid definition rejects the whole set
 * with an {@link InvalidSegmentException} naming the segment and the path inside it.
 */
public final class SegmentDefinitions {
  /** The folder convention: {@code <data dir>/segments/<tenant>/}. */
  public static final String FOLDER = "segments";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final int MAX_NAME = 256;
  private static final Set<String> SEGMENT_KEYS =
      Set.of("id", "name", "description", "where", "activation");
  private static final Set<String> SUBJECTS =
      Set.of("all", "any", "not", "trait", "computed", "performed", "in_segment");

  private SegmentDefinitions() {}

  /** Parses and validates {@code definitions} (one JSON object per segment) as one set. */
  public static Segments parse(List<JsonNode> definitions) {
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < definitions.size(); i++) {
      segments.add(parseSegment(definitions.get(i), i));
    }
    return Segments.of(segments);
  }

  /** The segments a new {@code cdp.yaml} gives the demo tenant, as definition nodes. */
  public static List<JsonNode> demo() {
    try (java.io.InputStream in =
        SegmentDefinitions.class.getResourceAsStream("demo-segments.yaml")) {
      List<JsonNode> out = new ArrayList<>();
      YAML.readTree(in).forEach(out::add);
      parse(out); // fails loudly if the shipped file were ever invalid
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The segments declared in {@code tenant}'s entry of {@code cdp.yaml}. */
  public static Segments fromTenant(TenantConfig tenant) {
    return parse(tenant.segments());
  }

  /** The folder holding {@code tenant}'s segment files under the data directory {@code data}. */
  public static Path folder(Path data, String tenant) {
    return data.resolve(FOLDER).resolve(tenant);
  }

  /**
   * The segments of {@code tenant}'s {@code cdp.yaml} entry together with those in the {@code
   * *.yaml}, {@code *.yml} and {@code *.json} files of {@code folder} (read in name order; a folder
   * that does not exist holds none). Each file holds one segment object, a list of them, or an
   * object with a {@code segments:} list.
   *
   * @throws InvalidSegmentException for an invalid definition (the file is named in the message)
   * @throws IOException when a file cannot be read
   */
  public static Segments load(TenantConfig tenant, Path folder) throws IOException {
    List<Segment> segments = new ArrayList<>();
    List<JsonNode> inConfig = tenant.segments();
    for (int i = 0; i < inConfig.size(); i++) {
      segments.add(parseSegment(inConfig.get(i), i));
    }
    for (Path file : files(folder)) {
      JsonNode root;
      try {
        root = YAML.readTree(file.toFile());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new InvalidSegmentException(
            null, "", file + " is not valid YAML or JSON: " + e.getOriginalMessage());
      }
      List<JsonNode> nodes = new ArrayList<>();
      if (root == null || root.isMissingNode() || root.isNull()) {
        continue;
      } else if (root.isArray()) {
        root.forEach(nodes::add);
      } else if (root.isObject() && root.has("segments") && !root.has("where")) {
        JsonNode list = root.get("segments");
        if (!list.isArray()) {
          throw new InvalidSegmentException(null, "", file + ": 'segments' must be a list");
        }
        list.forEach(nodes::add);
      } else {
        nodes.add(root);
      }
      for (int i = 0; i < nodes.size(); i++) {
        try {
          segments.add(parseSegment(nodes.get(i), i));
        } catch (InvalidSegmentException e) {
          throw new InvalidSegmentException(
              e.segment(), e.path(), e.problem() + " (in " + file + ")");
        }
      }
    }
    return Segments.of(segments);
  }

  private static List<Path> files(Path folder) throws IOException {
    if (folder == null || !Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(Files::isRegularFile)
          .filter(
              p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return !n.startsWith(".")
                    && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
              })
          .sorted()
          .toList();
    }
  }

  // ---------------------------------------------------------------- parsing

  /** Parses one definition; {@code index} names it when it has no usable id. */
  static Segment parseSegment(JsonNode node, int index) {
    String fallback = "#" + (index + 1);
    if (node == null || !node.isObject()) {
      throw new InvalidSegmentException(fallback, "", "a segment must be an object with id, where");
    }
    JsonNode idNode = node.get("id");
    String id = idNode != null && idNode.isTextual() ? idNode.asText() : null;
    String label = id != null ? id : fallback;
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!SEGMENT_KEYS.contains(key)) {
        throw new InvalidSegmentException(
            label,
            key,
            "unknown key '" + key + "'; a segment has id, name, description, where, activation");
      }
    }
    if (id == null) {
      throw new InvalidSegmentException(label, "id", "a segment needs an id (a string)");
    }
    try {
      io.meridian.cdp.tenant.Ids.require("segment", id);
    } catch (IllegalArgumentException e) {
      throw new InvalidSegmentException(label, "id", e.getMessage());
    }
    String name = optionalText(label, node, "name");
    String description = optionalText(label, node, "description");
    JsonNode where = node.get("where");
    if (where == null || where.isNull()) {
      throw new InvalidSegmentException(label, "where", "a segment needs a condition ('where')");
    }
    Condition condition = new Parser(label).condition(where, "where", false);
    List<String> traits = List.of();
    List<String> identifiers = List.of();
    JsonNode activation = node.get("activation");
    if (activation != null && !activation.isNull()) {
      if (!activation.isObject()) {
        throw new InvalidSegmentException(
            label, "activation", "must be an object with 'traits' and/or 'identifiers' lists");
      }
      for (Iterator<String> keys = activation.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!key.equals("traits") && !key.equals("identifiers")) {
          throw new InvalidSegmentException(
              label,
              "activation." + key,
              "unknown key '" + key + "'; activation has 'traits' and 'identifiers'");
        }
      }
      traits = names(label, activation.get("traits"), "activation.traits");
      identifiers = names(label, activation.get("identifiers"), "activation.identifiers");
    }
    return new Segment(id, name, description, condition, traits, identifiers);
  }

  private static String optionalText(String label, JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidSegmentException(label, key, "must be a string");
    }
    return v.asText();
  }

  private static List<String> names(String label, JsonNode list, String path) {
    if (list == null || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new InvalidSegmentException(label, path, "must be a list of names");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      if (!n.isTextual() || n.asText().isEmpty() || n.asText().length() > MAX_NAME) {
        throw new InvalidSegmentException(
            label, path + "[" + i + "]", "must be a non-empty name of at most 256 characters");
      }
      out.add(n.asText());
    }
    return List.copyOf(out);
  }

  /** Parses conditions of one segment, tracking the path for messages. */
  private static final class Parser {
    private final String segment;

    Parser(String segment) {
      this.segment = segment;
    }

    private InvalidSegmentException error(String path, String problem) {
      return new InvalidSegmentException(segment, path, problem);
    }

    Condition condition(JsonNode node, String path, boolean insidePerformed) {
      if (node.isArray()) {
        // a list is shorthand for all:
        return new Condition.All(list(node, path, insidePerformed));
      }
      if (!node.isObject()) {
        throw error(
            path,
            "a condition must be an object such as {trait: plan, eq: pro}; got " + kind(node));
      }
      List<String> subjects = new ArrayList<>();
      node.fieldNames()
          .forEachRemaining(
              k -> {
                if (SUBJECTS.contains(k)) {
                  subjects.add(k);
                }
              });
      if (subjects.size() != 1) {
        throw error(
            path,
            subjects.isEmpty()
                ? "a condition needs one of all, any, not, trait, computed, performed, in_segment;"
                    + " got keys "
                    + keys(node)
                : "a condition has exactly one of all, any, not, trait, computed, performed,"
                    + " in_segment; got "
                    + subjects);
      }
      String subject = subjects.get(0);
      JsonNode value = node.get(subject);
      switch (subject) {
        case "all", "any" -> {
          onlyKeys(node, path, Set.of(subject));
          if (!value.isArray() || value.isEmpty()) {
            throw error(path + "." + subject, "must be a non-empty list of conditions");
          }
          List<Condition> items = list(value, path + "." + subject, insidePerformed);
          return subject.equals("all") ? new Condition.All(items) : new Condition.Any(items);
        }
        case "not" -> {
          onlyKeys(node, path, Set.of(subject));
          return new Condition.Not(condition(value, path + ".not", insidePerformed));
        }
        case "in_segment" -> {
          onlyKeys(node, path, Set.of(subject));
          if (!value.isTextual()) {
            throw error(path + ".in_segment", "must be a segment id");
          }
          return new Condition.InSegment(value.asText());
        }
        case "performed" -> {
          return performed(node, path);
        }
        default -> {
          Condition.Field field = field(subject, value, path);
          return compare(node, path, field, subject);
        }
      }
    }

    private List<Condition> list(JsonNode array, String path, boolean insidePerformed) {
      List<Condition> out = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        out.add(condition(array.get(i), path + "[" + i + "]", insidePerformed));
      }
      return out;
    }

    private void onlyKeys(JsonNode node, String path, Set<String> allowed) {
      for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!allowed.contains(key)) {
          throw error(
              path + "." + key, "unexpected key '" + key + "' beside " + allowed.iterator().next());
        }
      }
    }

    private Condition.Field field(String subject, JsonNode value, String path) {
      String at = path + "." + subject;
      if (subject.equals("computed")) {
        if (!value.isTextual()) {
          throw error(at, "must name a computed trait: " + ComputedTrait.names());
        }
        return new Condition.Field.Computed(
            ComputedTrait.named(value.asText())
                .orElseThrow(
                    () ->
                        error(
                            at,
                            "unknown computed trait '"
                                + value.asText()
                                + "'; known: "
                                + ComputedTrait.names()
                                + " (use trait: for keys of the traits JSON)")));
      }
      List<String> keys = new ArrayList<>();
      if (value.isTextual()) {
        keys.add(value.asText());
      } else if (value.isArray() && !value.isEmpty()) {
        value.forEach(k -> keys.add(k.isTextual() ? k.asText() : null));
      } else {
        throw error(at, "must be a name, or a list of names for a nested key");
      }
      for (String k : keys) {
        if (k == null || k.isEmpty() || k.length() > MAX_NAME) {
          throw error(at, "names must be non-empty strings of at most 256 characters");
        }
      }
      return subject.equals("trait")
          ? new Condition.Field.Trait(keys)
          : new Condition.Field.Property(keys);
    }

    private Condition.Compare compare(
        JsonNode node, String path, Condition.Field field, String subject) {
      Operator operator = null;
      String opKey = null;
      ValueType declared = null;
      boolean ignoreCase = false;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (key.equals(subject)) {
          continue;
        }
        if (key.equals("ignore_case")) {
          if (!e.getValue().isBoolean()) {
            throw error(path + ".ignore_case", "must be true or false");
          }
          ignoreCase = e.getValue().asBoolean();
          continue;
        }
        if (key.equals("type")) {
          if (field instanceof Condition.Field.Computed c) {
            throw error(
                path + ".type",
                c.trait().column() + " has a fixed type (" + c.trait().type().words() + ")");
          }
          declared = type(e.getValue(), path + ".type");
          continue;
        }
        Optional<Operator> op = Operator.of(key);
        if (op.isEmpty()) {
          throw error(
              path + "." + key, "unknown operator '" + key + "'; use one of " + Operator.keys());
        }
        if (operator != null) {
          throw error(
              path + "." + key,
              "a condition has one operator; got both '" + opKey + "' and '" + key + "'");
        }
        operator = op.get();
        opKey = key;
      }
      if (operator == null) {
        throw error(path, "no operator; use one of " + Operator.keys());
      }
      String at = path + "." + opKey;
      JsonNode raw = node.get(opKey);
      ValueType fixed = field instanceof Condition.Field.Computed c ? c.trait().type() : declared;
      ValueType type = inferType(at, field, operator, raw, fixed);
      List<Object> values = values(at, field, operator, raw, type);
      if (ignoreCase
          && (type != ValueType.STRING || operator.isOrdering() || operator == Operator.EXISTS)) {
        throw error(
            path + ".ignore_case",
            "ignore_case applies to string comparisons (eq, ne, in, not_in, contains,"
                + " starts_with, ends_with)");
      }
      return new Condition.Compare(field, operator, type, values, ignoreCase);
    }

    private ValueType type(JsonNode node, String at) {
      if (node.isTextual()) {
        for (ValueType t : ValueType.values()) {
          if (t.name().toLowerCase(Locale.ROOT).equals(node.asText())) {
            return t;
          }
        }
      }
      throw error(at, "unknown type " + node + "; use string, number, boolean or timestamp");
    }

    private ValueType inferType(
        String at, Condition.Field field, Operator op, JsonNode raw, ValueType fixed) {
      String fieldName = field.describe();
      if (op == Operator.EXISTS) {
        return fixed == null ? ValueType.STRING : fixed;
      }
      if (op.isDate()) {
        if (fixed != null && fixed != ValueType.TIMESTAMP) {
          throw error(
              at,
              "'" + op.key() + "' compares timestamps but " + fieldName + " is " + fixed.words());
        }
        return ValueType.TIMESTAMP;
      }
      if (op.isStringMatch()) {
        if (fixed != null && fixed != ValueType.STRING) {
          throw error(
              at, "'" + op.key() + "' matches strings but " + fieldName + " is " + fixed.words());
        }
        return ValueType.STRING;
      }
      if (fixed != null) {
        if (fixed == ValueType.BOOLEAN && op.isOrdering()) {
          throw error(at, "'" + op.key() + "' cannot order booleans; use eq");
        }
        return fixed;
      }
      JsonNode sample = raw;
      if (op == Operator.IN || op == Operator.NOT_IN) {
        if (!raw.isArray() || raw.isEmpty()) {
          throw error(at, "'" + op.key() + "' needs a non-empty list of values");
        }
        sample = raw.get(0);
      }
      ValueType t;
      if (sample.isTextual()) {
        t = ValueType.STRING;
      } else if (sample.isNumber()) {
        t = ValueType.NUMBER;
      } else if (sample.isBoolean()) {
        t = ValueType.BOOLEAN;
      } else {
        throw error(at, "needs a string, number or boolean value; got " + kind(sample));
      }
      if (t == ValueType.BOOLEAN && op.isOrdering()) {
        throw error(at, "'" + op.key() + "' cannot order booleans; use eq");
      }
      return t;
    }

    private List<Object> values(
        String at, Condition.Field field, Operator op, JsonNode raw, ValueType type) {
      if (op == Operator.EXISTS) {
        if (!raw.isBoolean()) {
          throw error(at, "exists takes true or false");
        }
        return List.of(raw.asBoolean());
      }
      if (op == Operator.WITHIN_LAST) {
        return List.of(duration(at, raw));
      }
      if (op == Operator.BEFORE || op == Operator.AFTER) {
        if (raw.isTextual() && Durations.parse(raw.asText()).isPresent()) {
          return List.of(Durations.parse(raw.asText()).get());
        }
        return List.of(timestamp(at, raw, true));
      }
      if (op == Operator.IN || op == Operator.NOT_IN) {
        if (!raw.isArray() || raw.isEmpty()) {
          throw error(at, "'" + op.key() + "' needs a non-empty list of values");
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
          out.add(value(at + "[" + i + "]", field, raw.get(i), type));
        }
        return out;
      }
      return List.of(value(at, field, raw, type));
    }

    private Object value(String at, Condition.Field field, JsonNode raw, ValueType type) {
      String mismatch = field.describe() + " is " + type.words() + "; got " + kind(raw);
      switch (type) {
        case STRING -> {
          if (!raw.isTextual()) {
            throw error(
                at,
                mismatch
                    + (raw.isBoolean()
                        ? " (YAML reads unquoted yes/no/on/off/true/false as booleans: quote it)"
                        : ""));
          }
          if (raw.asText().length() > 4096) {
            throw error(at, "a value is at most 4096 characters long");
          }
          return raw.asText();
        }
        case NUMBER -> {
          if (!raw.isNumber()) {
            throw error(at, mismatch);
          }
          double d = raw.asDouble();
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw error(at, "not a finite number: " + raw);
          }
          return d;
        }
        case BOOLEAN -> {
          if (!raw.isBoolean()) {
            throw error(at, mismatch);
          }
          return raw.asBoolean();
        }
        default -> {
          if (!raw.isTextual()) {
            throw error(at, mismatch);
          }
          return timestamp(at, raw, false);
        }
      }
    }

    private Instant timestamp(String at, JsonNode raw, boolean orDuration) {
      String hint =
          "an ISO-8601 date (2026-01-31) or date-time with zone (2026-01-31T12:00:00Z)"
              + (orDuration ? ", or a duration before now such as 30d" : "");
      if (!raw.isTextual()) {
        throw error(at, "needs " + hint + "; got " + kind(raw));
      }
      String s = raw.asText();
      try {
        if (s.length() == 10) {
          return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        throw error(at, "'" + printable(s) + "' is not " + hint);
      }
    }

    private Duration duration(String at, JsonNode raw) {
      if (raw.isTextual()) {
        Optional<Duration> d = Durations.parse(raw.asText());
        if (d.isPresent()) {
          return d.get();
        }
      }
      throw error(
          at,
          "bad duration "
              + (raw.isTextual() ? "'" + printable(raw.asText()) + "'" : kind(raw))
              + "; use a positive whole number and a unit m, h, d or w, e.g. 30d");
    }

    private Condition performed(JsonNode node, String path) {
      String at = path + ".performed";
      JsonNode event = node.get("performed");
      if (!event.isTextual() || event.asText().isEmpty() || event.asText().length() > MAX_NAME) {
        throw error(at, "must be the name of a track event");
      }
      onlyKeys(
          node,
          path,
          new LinkedHashSet<>(List.of("performed", "at_least", "within_last", "where")));
      long atLeast = 1;
      JsonNode n = node.get("at_least");
      if (n != null) {
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > 1_000_000_000L) {
          throw error(path + ".at_least", "must be a whole number of at least 1; got " + n);
        }
        atLeast = n.asLong();
      }
      Duration within = null;
      JsonNode w = node.get("within_last");
      if (w != null) {
        within = duration(path + ".within_last", w);
      }
      List<Condition.Compare> filters = new ArrayList<>();
      JsonNode where = node.get("where");
      if (where != null) {
        JsonNode items = where;
        if (where.isObject()) {
          ArrayNode single = YAML.createArrayNode();
          single.add(where);
          items = single;
        }
        if (!items.isArray()) {
          throw error(path + ".where", "must be a list of property conditions");
        }
        for (int i = 0; i < items.size(); i++) {
          String p = path + ".where" + (where.isObject() ? "" : "[" + i + "]");
          JsonNode item = items.get(i);
          if (!item.isObject() || !item.has("property")) {
            throw error(p, "a property filter looks like {property: plan, eq: pro}");
          }
          for (String other : SUBJECTS) {
            if (item.has(other)) {
              throw error(p + "." + other, "property filters compare event properties only");
            }
          }
          Condition.Field f = field("property", item.get("property"), p);
          filters.add(compare(item, p, f, "property"));
        }
      }
      return new Condition.Performed(event.asText(), atLeast, within, filters);
    }
  }

  private static String keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out.toString();
  }

  private static String kind(JsonNode n) {
    if (n == null || n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      String s = n.asText();
      return "the string '" + printable(s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    }
    if (n.isNumber()) {
      return "the number " + n;
    }
    if (n.isBoolean()) {
      return n.asText();
    }
    return n.isArray() ? "a list" : "an object";
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .forEach(cp -> out.append(cp < 0x20 || cp == 0x7f ? "?" : Character.toString(cp)));
    return out.toString();
  }
}
