package io.meridian.cdp.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether one call is acceptable, and if not, why. Checks run cheapest first: size and
 * shape limits, then the JSON Schema {@code events/segment-call/segment-call-v1.schema.json}, then
 * rules a schema states poorly (an identity is present, timestamps parse).
 */
public final class SegmentCallValidator {
  /** Classpath location of the call schema (copied from the top-level events/ folder). */
  public static final String SCHEMA_RESOURCE = "/events/segment-call/segment-call-v1.schema.json";

  private static final String[] TIMESTAMP_FIELDS = {
    "timestamp", "originalTimestamp", "sentAt", "receivedAt"
  };

  /** Ids a call type requires, beyond the identity every call needs. */
  private static final Map<String, String[]> REQUIRED_IDS =
      Map.of("alias", new String[] {"previousId", "userId"}, "group", new String[] {"groupId"});

  private final boolean fastPath;

  /**
   * Compiled on first use: most calls conform by {@link SchemaFastPath} and never need it, and
   * loading the JSON Schema library costs a cold start (the ingestion Lambda's first request) a few
   * hundred milliseconds of class loading.
   */
  private volatile JsonSchema schema;

  public SegmentCallValidator() {
    this(true);
  }

  /**
   * @param fastPath whether calls that {@link SchemaFastPath} finds conforming skip the full JSON
   *     Schema validation; false only to compare both in tests
   */
  SegmentCallValidator(boolean fastPath) {
    this.fastPath = fastPath;
    if (SegmentCallValidator.class.getResource(SCHEMA_RESOURCE) == null) {
      throw new IllegalStateException("schema resource missing: " + SCHEMA_RESOURCE);
    }
  }

  private JsonSchema schema() {
    JsonSchema s = schema;
    if (s == null) {
      synchronized (this) {
        s = schema;
        if (s == null) {
          s = compile();
          schema = s;
        }
      }
    }
    return s;
  }

  private static JsonSchema compile() {
    try (InputStream in = SegmentCallValidator.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + SCHEMA_RESOURCE);
      }
      SchemaValidatorsConfig config =
          SchemaValidatorsConfig.builder()
              .formatAssertionsEnabled(true)
              .pathType(PathType.LEGACY) // "$.context.ip", as field() expects
              .build();
      // x-pii marks personal data for the privacy layer; it is an annotation, not a rule.
      JsonMetaSchema meta =
          JsonMetaSchema.builder(JsonMetaSchema.getV202012())
              .keyword(new NonValidationKeyword("x-pii"))
              .build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(meta))
          .getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Validates one call.
   *
   * @param call the parsed call, after batch-level fields were merged in
   * @param utf8Bytes the size of the call's original text in UTF-8 bytes
   * @return the first problem found, or empty when the call is acceptable
   */
  public Optional<Problem> validate(JsonNode call, int utf8Bytes) {
    if (call == null || !call.isObject()) {
      return Optional.of(new Problem(Reason.NOT_AN_OBJECT, "", "each call must be a JSON object"));
    }
    if (utf8Bytes > Limits.MAX_EVENT_BYTES) {
      return Optional.of(
          new Problem(
              Reason.EVENT_TOO_LARGE,
              "",
              "event is "
                  + utf8Bytes
                  + " bytes; the limit is "
                  + Limits.MAX_EVENT_BYTES
                  + " bytes (32 KB)"));
    }
    Optional<Problem> shape = checkShape(call, "", 1);
    if (shape.isPresent()) {
      return shape;
    }
    Set<ValidationMessage> errors =
        fastPath && SchemaFastPath.conforms(call) ? Set.of() : schema().validate(call);
    if (!errors.isEmpty()) {
      return Optional.of(
          errors.stream()
              .sorted(Comparator.comparing(SegmentCallValidator::rank))
              .map(SegmentCallValidator::toProblem)
              .findFirst()
              .orElseThrow());
    }
    if (!hasId(call, "userId") && !hasId(call, "anonymousId")) {
      return Optional.of(
          new Problem(
              Reason.MISSING_IDENTITY,
              "userId",
              "either userId or anonymousId must be set to a non-empty value"));
    }
    String type = call.path("type").asText();
    for (String required : REQUIRED_IDS.getOrDefault(type, new String[0])) {
      if (!hasId(call, required)) {
        return Optional.of(
            new Problem(
                Reason.MISSING_FIELD,
                required,
                required + " is required for " + type + " calls and must not be empty"));
      }
    }
    for (String field : TIMESTAMP_FIELDS) {
      JsonNode value = call.get(field);
      if (value != null && !value.isNull() && !isTimestamp(value.asText())) {
        return Optional.of(
            new Problem(
                Reason.INVALID_TIMESTAMP,
                field,
                field + " must be an ISO-8601 date-time with a time zone"));
      }
    }
    return Optional.empty();
  }

  /** Parses an ISO-8601 date-time with offset ({@code Z} or {@code +01:00}). */
  public static Optional<OffsetDateTime> parseTimestamp(String text) {
    try {
      return Optional.of(Timestamps.parseOffsetDateTime(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Whether {@link #parseTimestamp} accepts {@code text}; the common shape without parsing it. */
  private static boolean isTimestamp(String text) {
    return Timestamps.isCommonShape(text) || parseTimestamp(text).isPresent();
  }

  private static boolean hasId(JsonNode call, String field) {
    JsonNode v = call.get(field);
    return v != null && (v.isNumber() || (v.isTextual() && !v.asText().isBlank()));
  }

  private static Optional<Problem> checkShape(JsonNode node, String path, int depth) {
    if (depth > Limits.MAX_DEPTH) {
      return Optional.of(
          new Problem(
              Reason.TOO_DEEPLY_NESTED,
              path,
              "nesting deeper than " + Limits.MAX_DEPTH + " levels at " + path));
    }
    if (node.isObject()) {
      if (node.size() > Limits.MAX_KEYS_PER_OBJECT) {
        String where = path.isEmpty() ? "the event" : path;
        return Optional.of(
            new Problem(
                Reason.TOO_MANY_PROPERTIES,
                path,
                where
                    + " has "
                    + node.size()
                    + " keys; the limit is "
                    + Limits.MAX_KEYS_PER_OBJECT
                    + " per object"));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode child = e.getValue();
        if (child.isContainerNode()) {
          Optional<Problem> p = checkShape(child, join(path, e.getKey()), depth + 1);
          if (p.isPresent()) {
            return p;
          }
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode child = node.get(i);
        if (child.isContainerNode()) {
          Optional<Problem> p = checkShape(child, path + "[" + i + "]", depth + 1);
          if (p.isPresent()) {
            return p;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Most specific first, so the caller learns the most useful thing. */
  private static int rank(ValidationMessage m) {
    return switch (m.getType()) {
      case "required" -> 0;
      case "enum", "const" -> 1;
      case "type" -> 2;
      case "format" -> 3;
      case "maxLength", "minLength" -> 4;
      default -> 9;
    };
  }

  private static Problem toProblem(ValidationMessage m) {
    String at = field(m.getInstanceLocation().toString());
    return switch (m.getType()) {
      case "required" -> {
        String missing = join(at, String.valueOf(m.getProperty()));
        yield "type".equals(missing)
            ? new Problem(
                Reason.MISSING_TYPE,
                "type",
                "type is required (identify, track, page, screen, group or alias)")
            : new Problem(Reason.MISSING_FIELD, missing, missing + " is required for this call");
      }
      case "enum", "const" ->
          "type".equals(at)
              ? new Problem(
                  Reason.UNKNOWN_TYPE,
                  "type",
                  "type must be one of identify, track, page, screen, group, alias")
              : new Problem(Reason.INVALID_VALUE, at, at + " has a value that is not allowed");
      case "type" ->
          new Problem(
              Reason.INVALID_FIELD_TYPE, at, at + " must be " + expected(m) + ", not " + actual(m));
      case "format" ->
          new Problem(
              Reason.INVALID_TIMESTAMP, at, at + " must be an ISO-8601 date-time with a time zone");
      case "maxLength" ->
          "messageId".equals(at)
              ? new Problem(
                  Reason.MESSAGE_ID_TOO_LONG,
                  at,
                  "messageId is longer than " + Limits.MAX_MESSAGE_ID_LENGTH + " characters")
              : new Problem(Reason.FIELD_TOO_LONG, at, at + " is longer than allowed");
      case "minLength" -> new Problem(Reason.INVALID_VALUE, at, at + " must not be empty");
      default ->
          new Problem(
              Reason.SCHEMA_VIOLATION,
              at,
              "schema rule '" + m.getType() + "' failed at " + (at.isEmpty() ? "the event" : at));
    };
  }

  private static String field(String instanceLocation) {
    String f = instanceLocation.startsWith("$") ? instanceLocation.substring(1) : instanceLocation;
    return f.startsWith(".") ? f.substring(1) : f;
  }

  private static String expected(ValidationMessage m) {
    Object[] args = m.getArguments();
    String raw = args != null && args.length > 1 ? String.valueOf(args[1]) : "another type";
    return raw.replace("[", "").replace("]", "").replace(", ", " or ");
  }

  private static String actual(ValidationMessage m) {
    Object[] args = m.getArguments();
    return args != null && args.length > 0 ? String.valueOf(args[0]) : "this type";
  }
}
