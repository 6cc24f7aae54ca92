package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code Erasure Requested} contract: its examples (and the Step Functions fixture) follow the
 * schema, and what the schema refuses is what {@link ErasureRequests} refuses.
 */
class ErasureRequestedEventsTest {
  private static final Path EXAMPLES = Path.of("../../events/erasure-requested/examples");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema VALIDATOR = schema();

  private static JsonSchema schema() {
    try (InputStream in =
        ErasureRequestedEventsTest.class.getResourceAsStream(
            "/events/erasure-requested/erasure-requested-v1.schema.json")) {
      JsonMetaSchema meta =
          JsonMetaSchema.builder(JsonMetaSchema.getV202012())
              .keyword(new NonValidationKeyword("x-pii"))
              .build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(meta))
          .getSchema(in, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return Stream.concat(
              files.filter(p -> p.toString().endsWith(".json")).sorted(),
              Stream.of(Path.of("../../test-events/stepfunctions/erase-request.json")))
          .toList();
    }
  }

  @Test
  void thereAreExamples() throws IOException {
    assertThat(examples()).hasSizeGreaterThanOrEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleValidatesAndIsARequestTheHandlerAccepts(Path example) throws IOException {
    JsonNode event = JSON.readTree(example.toFile());
    assertThat(VALIDATOR.validate(event)).isEmpty();
    assertThat(event.path("source").asText()).isEqualTo(ErasureRequests.SOURCE);
    assertThat(event.path("detail-type").asText()).isEqualTo(ErasureRequests.DETAIL_TYPE);
  }

  @Test
  void theSchemaRefusesWhatTheHandlerRefuses() throws IOException {
    ObjectNode good = (ObjectNode) JSON.readTree(EXAMPLES.resolve("by-email.json").toFile());
    for (String field : List.of("tenant", "identifierType", "identifier")) {
      ObjectNode bad = good.deepCopy();
      ((ObjectNode) bad.get("detail")).remove(field);
      assertThat(VALIDATOR.validate(bad)).as(field).isNotEmpty();
    }
    ObjectNode otherType = good.deepCopy();
    otherType.put("detail-type", "Erasure Wanted");
    assertThat(VALIDATOR.validate(otherType)).isNotEmpty();
    ObjectNode otherSource = good.deepCopy();
    otherSource.put("source", "meridian.cdp");
    assertThat(VALIDATOR.validate(otherSource)).isNotEmpty();
    ObjectNode badTenant = good.deepCopy();
    ((ObjectNode) badTenant.get("detail")).put("tenant", "../acme");
    assertThat(VALIDATOR.validate(badTenant)).isNotEmpty();
  }
}
