package io.meridian.cdp.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import java.time.Instant;

/**
 * The columns of one {@code clean.events} row that identity resolution and profiles read. JSON
 * columns are parsed on first use.
 */
public final class IdentityEvent {
  private final String messageId;
  private final String type;
  private final String event;
  private final String userId;
  private final String anonymousId;
  private final String previousId;
  private final Instant timestamp;
  private final Instant receivedAt;
  private final String propertiesText;
  private final String traitsText;
  private final String contextText;
  private JsonNode properties;
  private JsonNode traits;
  private JsonNode context;

  public IdentityEvent(
      String messageId,
      String type,
      String event,
      String userId,
      String anonymousId,
      String previousId,
      Instant timestamp,
      Instant receivedAt,
      String properties,
      String traits,
      String context) {
    this.messageId = messageId;
    this.type = type;
    this.event = event;
    this.userId = userId;
    this.anonymousId = anonymousId;
    this.previousId = previousId;
    this.timestamp = timestamp;
    this.receivedAt = receivedAt;
    this.propertiesText = properties;
    this.traitsText = traits;
    this.contextText = context;
  }

  public String messageId() {
    return messageId;
  }

  public String type() {
    return type;
  }

  public String event() {
    return event;
  }

  public String userId() {
    return userId;
  }

  public String anonymousId() {
    return anonymousId;
  }

  public String previousId() {
    return previousId;
  }

  public Instant timestamp() {
    return timestamp;
  }

  public Instant receivedAt() {
    return receivedAt;
  }

  public JsonNode properties() {
    if (properties == null) {
      properties = parse(propertiesText);
    }
    return properties;
  }

  public JsonNode traits() {
    if (traits == null) {
      traits = parse(traitsText);
    }
    return traits;
  }

  public JsonNode context() {
    if (context == null) {
      context = parse(contextText);
    }
    return context;
  }

  /**
   * The value at a dotted path under {@code traits}, {@code properties} or {@code context}, or
   * null.
   */
  public JsonNode at(String path) {
    int dot = path.indexOf('.');
    String root = dot < 0 ? path : path.substring(0, dot);
    JsonNode node =
        switch (root) {
          case "traits" -> traits();
          case "properties" -> properties();
          case "context" -> context();
          default -> null;
        };
    int from = dot + 1;
    while (node != null && dot >= 0) {
      dot = path.indexOf('.', from);
      String field = dot < 0 ? path.substring(from) : path.substring(from, dot);
      node = node.isObject() ? node.get(field) : null;
      from = dot + 1;
    }
    return node;
  }

  private JsonNode parse(String text) {
    if (text == null) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      // Clean-zone JSON columns are written by the converter and always parse.
      throw new IllegalStateException("clean event " + messageId + " holds invalid JSON", e);
    }
  }
}
