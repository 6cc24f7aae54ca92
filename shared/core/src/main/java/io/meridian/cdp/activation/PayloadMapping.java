package io.meridian.cdp.activation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A destination's payload template. The template is JSON (YAML in cdp.yaml) whose string values
 * starting with {@code $} are paths into the event envelope, e.g. {@code $.detail.traits.email},
 * {@code $.detail.identifiers.email[0]}, {@code $['detail-type']} or {@code $} (the whole event);
 * every other value is a constant, and {@code $$} at the start of a string writes one literal
 * {@code $}. Objects and arrays are mapped element by element. A path that finds nothing gives
 * {@code null}. No template means the whole event. Documented in docs/ACTIVATION.md.
 */
public final class PayloadMapping {
  private static final Pattern STEP =
      Pattern.compile("\\.([A-Za-z0-9_-]+)|\\['([^'\\\\]+)'\\]|\\[(\\d{1,9})\\]");

  private final Node root;

  private PayloadMapping(Node root) {
    this.root = root;
  }

  /** The whole event, unchanged. */
  public static PayloadMapping wholeEvent() {
    return new PayloadMapping(new PathNode("$", List.of()));
  }

  /**
   * Parses a template.
   *
   * @param template the template, or null for the whole event
   * @throws IllegalArgumentException naming the template field and the malformed path
   */
  public static PayloadMapping parse(JsonNode template) {
    if (template == null || template.isNull() || template.isMissingNode()) {
      return wholeEvent();
    }
    return new PayloadMapping(compile(template, "payload"));
  }

  /** The body for {@code envelope} (see {@link ActivationEvent#envelope()}). */
  public JsonNode apply(ObjectNode envelope) {
    return root.apply(envelope);
  }

  private static Node compile(JsonNode template, String where) {
    if (template.isObject()) {
      List<Map.Entry<String, Node>> fields = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        fields.add(Map.entry(f.getKey(), compile(f.getValue(), where + "." + f.getKey())));
      }
      return new ObjectTemplate(fields);
    }
    if (template.isArray()) {
      List<Node> items = new ArrayList<>();
      for (int i = 0; i < template.size(); i++) {
        items.add(compile(template.get(i), where + "[" + i + "]"));
      }
      return new ArrayTemplate(items);
    }
    if (template.isTextual() && template.asText().startsWith("$$")) {
      return new Constant(JsonNodeFactory.instance.textNode(template.asText().substring(1)));
    }
    if (template.isTextual() && template.asText().startsWith("$")) {
      return new PathNode(template.asText(), steps(template.asText(), where));
    }
    return new Constant(template.deepCopy());
  }

  private static List<Object> steps(String path, String where) {
    List<Object> steps = new ArrayList<>();
    Matcher m = STEP.matcher(path);
    int at = 1;
    while (at < path.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            where
                + ": path '"
                + path
                + "' is malformed at character "
                + (at + 1)
                + "; write $.field.field, $['odd-name'] or $.list[0] (a literal $ is written $$)");
      }
      if (m.group(1) != null) {
        steps.add(m.group(1));
      } else if (m.group(2) != null) {
        steps.add(m.group(2));
      } else {
        steps.add(Integer.valueOf(m.group(3)));
      }
      at = m.end();
    }
    return List.copyOf(steps);
  }

  private interface Node {
    JsonNode apply(ObjectNode event);
  }

  private record Constant(JsonNode value) implements Node {
    @Override
    public JsonNode apply(ObjectNode event) {
      return value;
    }
  }

  private record PathNode(String text, List<Object> steps) implements Node {
    @Override
    public JsonNode apply(ObjectNode event) {
      JsonNode at = event;
      for (Object step : steps) {
        at = step instanceof Integer i ? at.get(i) : at.get((String) step);
        if (at == null) {
          return NullNode.instance;
        }
      }
      return at;
    }
  }

  private record ObjectTemplate(List<Map.Entry<String, Node>> fields) implements Node {
    @Override
    public JsonNode apply(ObjectNode event) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, Node> f : fields) {
        out.set(f.getKey(), f.getValue().apply(event));
      }
      return out;
    }
  }

  private record ArrayTemplate(List<Node> items) implements Node {
    @Override
    public JsonNode apply(ObjectNode event) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (Node item : items) {
        out.add(item.apply(event));
      }
      return out;
    }
  }
}
