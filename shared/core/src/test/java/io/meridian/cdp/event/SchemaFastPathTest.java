package io.meridian.cdp.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast path must give exactly the answers of the full JSON Schema validation. */
class SchemaFastPathTest {
  private static final SegmentCallValidator FAST = new SegmentCallValidator(true);
  private static final SegmentCallValidator FULL = new SegmentCallValidator(false);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Paths (dot-separated) of every field the schema mentions, plus one it does not. */
  private static final String[] FIELDS = {
    "type",
    "messageId",
    "userId",
    "anonymousId",
    "groupId",
    "previousId",
    "event",
    "name",
    "category",
    "timestamp",
    "originalTimestamp",
    "sentAt",
    "receivedAt",
    "context",
    "context.ip",
    "context.traits",
    "context.externalIds",
    "integrations",
    "properties",
    "traits",
    "traits.email",
    "traits.phone",
    "traits.name",
    "traits.firstName",
    "traits.lastName",
    "traits.address",
    "channel",
    "version",
    "extra"
  };

  private static final String[] DATES = {
    "2026-11-24T10:00:00Z",
    "2026-11-24T10:00:00.123Z",
    "2026-11-24T10:00:00.123456789+05:30",
    "2026-11-24T10:00:00-14:00",
    "2026-11-24T10:00:00+15:00",
    "2026-11-24T10:00:00+18:00",
    "2026-11-24T10:00:00+19:00",
    "2024-02-29T00:00:00Z",
    "2026-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-24t10:00:00z",
    "2026-11-24T24:00:00Z",
    "2026-12-31T23:59:60Z",
    "2026-11-24T10:60:00Z",
    "2026-11-24T10:00Z",
    "2026-11-24 10:00:00Z",
    "2026-11-24T10:00:00",
    "2026-11-24T10:00:00.Z",
    "2026-11-24T10:00:00.1234567890Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "+12026-11-24T10:00:00Z",
    "2026-11-24T10:00:00+05:30:15",
    "2026-11-24T10:00:00+0530",
    "yesterday",
    "2026-11-24T10:00:00.000Z" + " ".repeat(44)
  };

  private static List<JsonNode> values() {
    List<JsonNode> out = new ArrayList<>();
    out.add(NODES.nullNode());
    out.add(NODES.booleanNode(true));
    out.add(NODES.numberNode(7));
    out.add(NODES.numberNode(7L << 40));
    out.add(NODES.numberNode(7.5));
    out.add(NODES.numberNode(2.0));
    out.add(NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890")));
    out.add(NODES.objectNode());
    out.add(NODES.objectNode().put("a", 1));
    out.add(NODES.arrayNode());
    for (String t : new String[] {"identify", "track", "page", "screen", "group", "alias"}) {
      out.add(NODES.textNode(t));
    }
    for (int n : new int[] {0, 1, 63, 64, 65, 99, 100, 101, 199, 200, 201, 254, 255, 256}) {
      out.add(NODES.textNode("x".repeat(n)));
    }
    // Surrogate pairs: twice as many chars as code points, so char counts exceed the limits.
    for (int n : new int[] {50, 100, 101, 200, 201}) {
      out.add(NODES.textNode("\uD83D\uDE00".repeat(n)));
    }
    for (String d : DATES) {
      out.add(NODES.textNode(d));
    }
    return out;
  }

  private static List<ObjectNode> examples() throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    for (Path p : SegmentCallValidatorTest.examples()) {
      out.add((ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(p)));
    }
    return out;
  }

  private static void set(ObjectNode call, String path, JsonNode value) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      if (value == null) {
        call.remove(path);
      } else {
        call.set(path, value);
      }
      return;
    }
    String parent = path.substring(0, dot);
    JsonNode p = call.get(parent);
    if (p == null || !p.isObject()) {
      p = NODES.objectNode();
      call.set(parent, p);
    }
    set((ObjectNode) p, path.substring(dot + 1), value);
  }

  private static Optional<Problem> assertSame(JsonNode call) {
    int bytes = call.toString().getBytes(UTF_8).length;
    Optional<Problem> full = FULL.validate(call, bytes);
    assertThat(FAST.validate(call, bytes)).as(call.toString()).isEqualTo(full);
    return full;
  }

  @Test
  void examplesTakeTheFastPathAndAgree() throws IOException {
    for (ObjectNode example : examples()) {
      assertThat(SchemaFastPath.conforms(example)).as(example.toString()).isTrue();
      assertThat(assertSame(example)).isEmpty();
    }
  }

  @Test
  void everySingleMutationOfEveryExampleAgrees() throws IOException {
    List<JsonNode> values = values();
    int valid = 0;
    int invalid = 0;
    int fast = 0;
    for (ObjectNode example : examples()) {
      for (String field : FIELDS) {
        List<JsonNode> candidates = new ArrayList<>(values);
        candidates.add(null);
        for (JsonNode value : candidates) {
          ObjectNode call = example.deepCopy();
          set(call, field, value == null ? null : value.deepCopy());
          if (assertSame(call).isPresent()) {
            invalid++;
          } else {
            valid++;
          }
          if (SchemaFastPath.conforms(call)) {
            fast++;
          }
        }
      }
    }
    assertThat(valid).isGreaterThan(1_000);
    assertThat(invalid).isGreaterThan(1_000);
    assertThat(fast).isGreaterThan(500);
  }

  @Test
  void randomMultipleMutationsAgree() throws IOException {
    List<JsonNode> values = values();
    List<ObjectNode> examples = examples();
    Random random = new Random(42);
    int invalid = 0;
    for (int i = 0; i < 600; i++) {
      ObjectNode call = examples.get(random.nextInt(examples.size())).deepCopy();
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        String field = FIELDS[random.nextInt(FIELDS.length)];
        int k = random.nextInt(values.size() + 1);
        set(call, field, k == values.size() ? null : values.get(k).deepCopy());
      }
      if (assertSame(call).isPresent()) {
        invalid++;
      }
    }
    assertThat(invalid).isBetween(100, 590);
  }

  @Test
  void conformingCallsNeverSkipProblemsTheSchemaWouldFind() throws IOException {
    ObjectNode track =
        examples().stream()
            .filter(e -> "track".equals(e.get("type").asText()))
            .findFirst()
            .orElseThrow();
    track.remove("event");
    assertThat(SchemaFastPath.conforms(track)).isFalse();
    assertThat(assertSame(track)).map(Problem::code).contains(Reason.MISSING_FIELD);
  }

  @org.junit.jupiter.api.Test
  void fastPathWasReviewedAgainstTheCurrentSchema() throws Exception {
    byte[] schema =
        java.nio.file.Files.readAllBytes(
            java.nio.file.Path.of("../../events/segment-call/segment-call-v1.schema.json"));
    String sha =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(schema));
    org.assertj.core.api.Assertions.assertThat(sha)
        .as(
            "segment-call-v1.schema.json changed: review SchemaFastPath against it, then update"
                + " SchemaFastPath.SCHEMA_SHA256")
        .isEqualTo(SchemaFastPath.SCHEMA_SHA256);
  }
}
