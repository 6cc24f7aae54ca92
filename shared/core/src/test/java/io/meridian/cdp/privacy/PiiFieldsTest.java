package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.parquet.Column;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The PII classification is written three times: {@code x-pii} in the call schema, {@link
 * PiiFields} in code (what raw→clean applies policies to), and the PII column of {@code
 * clean.events} in docs/TABLES.md. They must agree.
 */
class PiiFieldsTest {
  private static final Path SCHEMA =
      Path.of("../../events/segment-call/segment-call-v1.schema.json");
  private static final Path TABLES = Path.of("../../docs/TABLES.md");

  private static void collect(JsonNode schema, String prefix, Map<String, PiiType> out) {
    JsonNode props = schema.get("properties");
    if (props == null) {
      return;
    }
    props
        .fields()
        .forEachRemaining(
            e -> {
              String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
              JsonNode pii = e.getValue().get("x-pii");
              if (pii != null) {
                out.put(path, PiiType.parse(pii.asText()));
              }
              collect(e.getValue(), path, out);
            });
  }

  @Test
  void schemaAnnotationsAgreeWithTheDeclaredFieldsInCode() throws Exception {
    Map<String, PiiType> inSchema = new TreeMap<>();
    collect(Json.MAPPER.readTree(SCHEMA.toFile()), "", inSchema);
    assertThat(inSchema).isNotEmpty();
    Map<String, PiiType> inCode = PiiFields.callPaths();
    // every annotation of the schema is applied by the converter, with the same kind
    assertThat(inCode).containsAllEntriesOf(inSchema);
    // and everything the converter treats as declared is annotated, but for context.traits, which
    // the schema leaves open and which carries the same fields as traits
    Map<String, PiiType> notInSchema = new TreeMap<>(inCode);
    notInSchema.keySet().removeAll(inSchema.keySet());
    assertThat(notInSchema.keySet()).allMatch(p -> p.startsWith("context.traits."));
  }

  @Test
  void tableContractNamesThePiiOfEachCleanEventsColumn() throws Exception {
    Map<String, Set<PiiType>> documented = new TreeMap<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(TABLES)) {
      if (line.startsWith("#")) {
        inTable = line.equals("## clean.events");
        continue;
      }
      if (!inTable
          || !line.startsWith("|")
          || line.startsWith("|---")
          || line.startsWith("| Column")) {
        continue;
      }
      String[] cells = line.split("\\|", -1);
      assertThat(cells.length).as("clean.events rows have a PII cell: " + line).isGreaterThan(5);
      String pii = cells[4].replace("`", "").trim();
      if (!pii.isEmpty()) {
        Set<PiiType> kinds = EnumSet.noneOf(PiiType.class);
        for (String k : pii.split(",")) {
          kinds.add(PiiType.parse(k.trim()));
        }
        documented.put(cells[1].trim(), kinds);
      }
    }
    assertThat(documented).isEqualTo(PiiFields.eventColumns());
    List<String> columns = CleanTables.EVENTS.columns().stream().map(Column::name).toList();
    assertThat(columns).containsAll(documented.keySet());
  }

  @Test
  void sqlOverEveryColumnWithDeclaredPersonalDataIsAudited() {
    assertThat(SqlPiiCheck.PII_COLUMNS).containsAll(PiiFields.eventColumns().keySet());
  }

  @Test
  void everyPiiKindHasAYamlNameThatParsesBack() {
    assertThat(
            EnumSet.allOf(PiiType.class).stream()
                .map(t -> PiiType.parse(t.yamlName()))
                .collect(Collectors.toSet()))
        .isEqualTo(EnumSet.allOf(PiiType.class));
  }
}
