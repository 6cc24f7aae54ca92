package io.meridian.cdp.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A hand-written check of exactly the rules of {@code segment-call-v1.schema.json}, for speed: it
 * answers true only when it is sure the schema accepts the call, and false for every problem and
 * for anything it does not know (the caller then runs the full JSON Schema validation, which finds
 * and words the problem). It never decides that a call is invalid. Keep it in step with the schema;
 * {@code SchemaFastPathTest} compares both.
 */
final class SchemaFastPath {
  /**
   * SHA-256 of the schema file these rules were written against. {@code SchemaFastPathTest} fails
   * when the schema changes, until this class is reviewed against it and the hash updated.
   */
  static final String SCHEMA_SHA256 =
      "2e6767cd7cc8eb937ccfd72c60559ce5d0c3f861560947aca07aef1095885bf5";

  private static final Set<String> TYPES =
      Set.of("identify", "track", "page", "screen", "group", "alias");
  private static final String[] IDS = {"userId", "anonymousId", "groupId", "previousId"};
  private static final String[] DATE_TIMES = {
    "timestamp", "originalTimestamp", "sentAt", "receivedAt"
  };
  private static final String[] OPTIONAL_OBJECTS = {"integrations", "properties"};
  private static final String[] TRAIT_STRINGS = {"email", "phone", "name", "firstName", "lastName"};

  private SchemaFastPath() {}

  /** True only when the JSON Schema surely accepts {@code call} (an object node). */
  static boolean conforms(JsonNode call) {
    JsonNode type = call.get("type");
    if (type == null || !type.isTextual() || !TYPES.contains(type.textValue())) {
      return false;
    }
    if (!nullOrString(call.get("messageId"), 1, 100)) {
      return false;
    }
    for (String id : IDS) {
      JsonNode v = call.get(id);
      if (!(v == null || v.isNull() || v.isNumber() || string(v, 0, 255))) {
        return false;
      }
    }
    JsonNode event = call.get("event");
    if (event != null && !string(event, 1, 200)) {
      return false;
    }
    if (!nullOrString(call.get("name"), 0, 200) || !nullOrString(call.get("category"), 0, 200)) {
      return false;
    }
    for (String field : DATE_TIMES) {
      JsonNode v = call.get(field);
      if (!(v == null || v.isNull() || (string(v, 0, 64) && isDateTime(v.textValue())))) {
        return false;
      }
    }
    JsonNode context = call.get("context");
    if (!nullOrObject(context)) {
      return false;
    }
    if (context != null && context.isObject()) {
      JsonNode externalIds = context.get("externalIds");
      if (!nullOrString(context.get("ip"), 0, Integer.MAX_VALUE)
          || !nullOrObject(context.get("traits"))
          || !(externalIds == null || externalIds.isNull() || externalIds.isArray())) {
        return false;
      }
    }
    for (String field : OPTIONAL_OBJECTS) {
      if (!nullOrObject(call.get(field))) {
        return false;
      }
    }
    JsonNode traits = call.get("traits");
    if (!nullOrObject(traits)) {
      return false;
    }
    if (traits != null && traits.isObject()) {
      for (String field : TRAIT_STRINGS) {
        if (!nullOrString(traits.get(field), 0, Integer.MAX_VALUE)) {
          return false;
        }
      }
    }
    if (!nullOrString(call.get("channel"), 0, Integer.MAX_VALUE)) {
      return false;
    }
    JsonNode version = call.get("version");
    if (!(version == null
        || version.isNull()
        || version.isIntegralNumber()
        || version.isTextual())) {
      return false;
    }
    return switch (type.textValue()) {
      case "track" -> call.has("event");
      case "group" -> call.has("groupId");
      case "alias" -> call.has("previousId") && call.has("userId");
      default -> true;
    };
  }

  private static boolean nullOrObject(JsonNode v) {
    return v == null || v.isNull() || v.isObject();
  }

  private static boolean nullOrString(JsonNode v, int minLength, int maxLength) {
    return v == null || v.isNull() || string(v, minLength, maxLength);
  }

  /**
   * A string whose length in code points surely lies in the bounds: UTF-16 length is at least the
   * code point count, so a string within {@code maxLength} chars is within it in code points; a
   * non-empty string has at least one code point. Longer ones are left to the schema.
   */
  private static boolean string(JsonNode v, int minLength, int maxLength) {
    if (!v.isTextual()) {
      return false;
    }
    int chars = v.textValue().length();
    return chars <= maxLength && (minLength == 0 || (minLength == 1 && chars >= 1));
  }

  /** The common RFC 3339 shape with sane fields; other valid date-times go to the schema. */
  private static boolean isDateTime(String text) {
    return text.length() >= 20
        && text.charAt(0) >= '1'
        && text.charAt(0) <= '2'
        && Timestamps.isCommonShape(text);
  }
}
