package io.meridian.cdp.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Segment definitions for tests, written as YAML like a person would write them. */
public final class SegmentFixtures {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SegmentFixtures() {}

  /** Parses a YAML list of segment definitions (or {segments: [...]}). */
  public static Segments parse(String yaml) {
    return SegmentDefinitions.parse(nodes(yaml));
  }

  /** The YAML as a list of definition nodes, unvalidated. */
  public static List<JsonNode> nodes(String yaml) {
    try {
      JsonNode root = YAML.readTree(yaml);
      JsonNode list = root.isArray() ? root : root.get("segments");
      List<JsonNode> out = new ArrayList<>();
      list.forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The definitions of {@code segments/examples.yaml}: one per condition kind. */
  public static Segments examples() {
    try (InputStream in = SegmentFixtures.class.getResourceAsStream("/segments/examples.yaml")) {
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
