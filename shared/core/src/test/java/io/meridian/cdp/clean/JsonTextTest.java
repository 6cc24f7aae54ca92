package io.meridian.cdp.clean;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reused generator writes each value exactly as a fresh {@code writeValueAsString} would. */
class JsonTextTest {

  private static final List<String> TEXTS =
      List.of(
          "{\"url\":\"https://shop.example.com/p/1\",\"title\":\"Product\"}",
          "{ \"price\" : 12.50, \"big\": 1e400, \"n\": -7, \"huge\": 123456789012345678901234567890 }",
          "{\"nested\":{\"a\":[1,2.0,{\"b\":null}],\"c\":true,\"d\":false},\"e\":[]}",
          "{\"escapes\":\"quote \\\" backslash \\\\ slash \\/ tab \\t nl \\n ctl \\u0001\"}",
          "{\"unicode\":\"caf\\u00e9 \\u2028 \\ud83d\\ude00 日本\"}",
          "[1,\"two\",{\"three\":3}]",
          "\"just text\"",
          "42",
          "{}");

  @Test
  void writesWhatWriteValueAsStringWrites() throws IOException {
    JsonText text = new JsonText();
    for (int round = 0; round < 2; round++) {
      for (String source : TEXTS) {
        JsonNode node = Json.MAPPER.readTree(source);
        assertThat(text.of(node)).as(source).isEqualTo(Json.MAPPER.writeValueAsString(node));
      }
    }
  }

  @Test
  void writesModifiedTreesAndSkipsMissingOrNullValues() throws IOException {
    JsonText text = new JsonText();
    ObjectNode traits =
        (ObjectNode) Json.MAPPER.readTree("{\"email\":\" A@B.C \",\"plan\":\"pro\"}");
    traits.put("email", "a@b.c");
    assertThat(text.of(traits)).isEqualTo("{\"email\":\"a@b.c\",\"plan\":\"pro\"}");
    assertThat(text.of(null)).isNull();
    assertThat(text.of(JsonNodeFactory.instance.nullNode())).isNull();
    assertThat(text.of(JsonNodeFactory.instance.objectNode())).isEqualTo("{}");
  }
}
