package io.meridian.cdp.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Walks a JSON document and reports the personal data in its string and number values, and in its
 * field names, by JSON path ({@code $.properties.note}, {@code $.items[2].comment}) and kind. A
 * field name that holds personal data is written {@code {key}} in paths, so a path never carries a
 * value. Numbers are scanned as their decimal text (a card number sent as a JSON number is still a
 * card number).
 */
public final class PiiScanner {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final PiiDetector detector;

  public PiiScanner(PiiDetector detector) {
    this.detector = detector;
  }

  /** The findings in {@code document}, in document order. */
  public List<PiiFinding> scan(JsonNode document) {
    return scan(document, Set.of());
  }

  /**
   * The findings in {@code document} outside the subtrees at {@code declaredPaths} (paths as this
   * scanner writes them, e.g. {@code $.traits.email}): fields a schema declares are classified
   * there, so only undeclared ones are scanned.
   */
  public List<PiiFinding> scan(JsonNode document, Set<String> declaredPaths) {
    List<PiiFinding> findings = new ArrayList<>();
    walk(document, "$", "", declaredPaths, findings);
    return List.copyOf(findings);
  }

  /** How many findings of each kind, every kind present (zero when none). */
  public static Map<PiiKind, Integer> countByKind(List<PiiFinding> findings) {
    Map<PiiKind, Integer> counts = new EnumMap<>(PiiKind.class);
    for (PiiKind kind : PiiKind.values()) {
      counts.put(kind, 0);
    }
    findings.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
    return Collections.unmodifiableMap(counts);
  }

  private void walk(
      JsonNode node, String path, String fieldName, Set<String> skip, List<PiiFinding> out) {
    if (skip.contains(path)) {
      return;
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = field.getKey();
        List<PiiMatch> inName = detector.detect(name, "");
        String childPath;
        if (!inName.isEmpty()) {
          childPath = path + ".{key}";
          report(name, inName, childPath, out);
        } else if (PLAIN_NAME.matcher(name).matches()) {
          childPath = path + "." + name;
        } else {
          childPath = path + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
        }
        walk(field.getValue(), childPath, name, skip, out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", fieldName, skip, out);
      }
    } else if (node.isTextual() || node.isNumber()) {
      String text = node.isTextual() ? node.textValue() : node.asText();
      report(text, detector.detect(text, fieldName), path, out);
    }
  }

  private static void report(
      String text, List<PiiMatch> matches, String path, List<PiiFinding> out) {
    for (PiiMatch m : matches) {
      out.add(
          new PiiFinding(
              path, m.kind(), PiiMask.mask(m.kind(), text.substring(m.start(), m.end()))));
    }
  }
}
