package io.meridian.cdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ConfigFile;
import io.meridian.cdp.tenant.TenantConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentDefinitionsTest {
  @TempDir Path dir;

  @Test
  void readsEveryConditionKindOfTheExamples() {
    Segments all = SegmentFixtures.examples();
    assertThat(all.all()).hasSize(11);
    Segment big = all.find("big-spenders").orElseThrow();
    assertThat(big.name()).isEqualTo("Big spenders");
    assertThat(big.activationTraits()).containsExactly("email", "first_name");
    assertThat(big.activationIdentifiers()).containsExactly("email", "user_id");
    assertThat(big.condition().describe()).isEqualTo("lifetime_revenue >= 500 and order_count > 2");
    assertThat(all.find("repeat-buyers").orElseThrow().condition())
        .isEqualTo(
            new Condition.Performed(
                "Order Completed",
                2,
                Duration.ofDays(90),
                List.of(
                    new Condition.Compare(
                        new Condition.Field.Property(List.of("total")),
                        Operator.GT,
                        ValueType.NUMBER,
                        List.of(100.0),
                        false),
                    new Condition.Compare(
                        new Condition.Field.Property(List.of("currency")),
                        Operator.EQ,
                        ValueType.STRING,
                        List.of("usd"),
                        true))));
    assertThat(all.find("joined-this-year").orElseThrow().condition())
        .isEqualTo(
            new Condition.Compare(
                new Condition.Field.Trait(List.of("signed_up_at")),
                Operator.AFTER,
                ValueType.TIMESTAMP,
                List.of(Instant.parse("2026-01-01T00:00:00Z")),
                false));
    assertThat(all.find("vip-not-dormant").orElseThrow().condition().describe())
        .isEqualTo(
            "member of segment big-spenders and not member of segment dormant and trait vip is"
                + " true and trait age < 65");
    assertThat(all.find("nordics").orElseThrow().name()).isEqualTo("nordics");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "unknown computed trait | {computed: lifetime_value, gt: 5}"
            + " | segment 's' at where.computed: unknown computed trait 'lifetime_value'; known:"
            + " created_at, updated_at, first_seen, last_seen, event_count, active_days,"
            + " lifetime_revenue, order_count, last_order_at (use trait: for keys of the traits"
            + " JSON)",
        "number compared with a string | {computed: lifetime_revenue, gte: 'a lot'}"
            + " | segment 's' at where.gte: lifetime_revenue is a number; got the string 'a lot'",
        "unknown operator | {trait: plan, greater_than: 5}"
            + " | segment 's' at where.greater_than: unknown operator 'greater_than'; use one of"
            + " eq, ne, gt, gte, lt, lte, in, not_in, exists, contains, starts_with, ends_with,"
            + " within_last, before, after",
        "bad duration | {computed: last_seen, within_last: 30 days}"
            + " | segment 's' at where.within_last: bad duration '30 days'; use a positive whole"
            + " number and a unit m, h, d or w, e.g. 30d",
        "zero duration | {performed: Signed Up, within_last: 0d}"
            + " | segment 's' at where.within_last: bad duration '0d'",
        "date operator on a number | {computed: order_count, within_last: 30d}"
            + " | segment 's' at where.within_last: 'within_last' compares timestamps but"
            + " order_count is a number",
        "string match on a number | {computed: lifetime_revenue, contains: '5'}"
            + " | segment 's' at where.contains: 'contains' matches strings but lifetime_revenue"
            + " is a number",
        "two operators | {trait: plan, eq: pro, ne: free}"
            + " | segment 's' at where.ne: a condition has one operator; got both 'eq' and 'ne'",
        "no operator | {trait: plan}" + " | segment 's' at where: no operator; use one of eq",
        "mixed list | {trait: plan, in: [pro, 3]}"
            + " | segment 's' at where.in[1]: trait plan is a string; got the number 3",
        "empty list | {trait: plan, in: []}"
            + " | segment 's' at where.in: 'in' needs a non-empty list of values",
        "ordering booleans | {trait: vip, gt: true}"
            + " | segment 's' at where.gt: 'gt' cannot order booleans; use eq",
        "bad date | {trait: born, before: 'last tuesday'}"
            + " | segment 's' at where.before: 'last tuesday' is not an ISO-8601 date",
        "declared type mismatch | {trait: age, type: number, eq: '30'}"
            + " | segment 's' at where.eq: trait age is a number; got the string '30'",
        "unknown type | {trait: age, type: integer, eq: 3}"
            + " | segment 's' at where.type: unknown type \"integer\"; use string, number,"
            + " boolean or timestamp",
        "ignore_case on numbers | {computed: order_count, eq: 3, ignore_case: true}"
            + " | segment 's' at where.ignore_case: ignore_case applies to string comparisons",
        "nested path | {all: [{trait: plan, eq: pro}, {any: [{not: {computed: x, eq: 1}}]}]}"
            + " | segment 's' at where.all[1].any[0].not.computed: unknown computed trait 'x'",
        "two subjects | {trait: plan, computed: order_count, eq: 1}"
            + " | segment 's' at where: a condition has exactly one of",
        "not a condition | {plan: pro}"
            + " | segment 's' at where: a condition needs one of all, any, not, trait, computed,"
            + " performed, in_segment; got keys [plan]",
        "at_least zero | {performed: Signed Up, at_least: 0}"
            + " | segment 's' at where.at_least: must be a whole number of at least 1; got 0",
        "property filter on a trait | {performed: Signed Up, where: [{trait: plan, eq: pro}]}"
            + " | segment 's' at where.where[0]: a property filter looks like {property: plan,"
            + " eq: pro}",
        "unknown key beside performed | {performed: Signed Up, times: 3}"
            + " | segment 's' at where.times: unexpected key 'times' beside performed",
        "yaml boolean | {trait: country, in: [SE, NO]}"
            + " | segment 's' at where.in[1]: trait country is a string; got false (YAML reads"
            + " unquoted yes/no/on/off/true/false as booleans: quote it)",
      })
  void rejectsAnInvalidConditionNamingSegmentAndPath(String why, String where, String message) {
    assertThatThrownBy(() -> SegmentFixtures.parse("- id: s\n  where: " + where))
        .isInstanceOf(InvalidSegmentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void rejectsAReferenceToAnUnknownSegment() {
    assertThatThrownBy(
            () ->
                SegmentFixtures.parse(
                    """
                    - id: a
                      where: {all: [{trait: plan, eq: pro}, {in_segment: b}]}
                    - id: c
                      where: {trait: plan, eq: free}
                    """))
        .isInstanceOf(InvalidSegmentException.class)
        .hasMessage(
            "segment 'a' at where.all[1].in_segment: refers to unknown segment 'b'; known: a, c");
  }

  @Test
  void rejectsCyclesListingTheCycle() {
    assertThatThrownBy(
            () ->
                SegmentFixtures.parse(
                    """
                    - id: start
                      where: {in_segment: a}
                    - id: a
                      where: {any: [{trait: plan, eq: pro}, {in_segment: b}]}
                    - id: b
                      where: {not: {in_segment: c}}
                    - id: c
                      where: {in_segment: a}
                    """))
        .hasMessage(
            "segment 'a': segments refer to each other in a cycle: a -> b -> c -> a; a segment"
                + " cannot depend on itself");
    assertThatThrownBy(() -> SegmentFixtures.parse("- id: self\n  where: {in_segment: self}"))
        .hasMessageContaining("cycle: self -> self");
  }

  @Test
  void rejectsASegmentThatGrowsTooLargeOnceReferencesAreInlined() {
    StringBuilder yaml = new StringBuilder("- id: s0\n  where: {trait: plan, eq: pro}\n");
    for (int i = 1; i <= 13; i++) {
      yaml.append("- id: s")
          .append(i)
          .append("\n  where: {any: [{in_segment: s")
          .append(i - 1)
          .append("}, {not: {in_segment: s")
          .append(i - 1)
          .append("}}]}\n");
    }
    assertThatThrownBy(() -> SegmentFixtures.parse(yaml.toString()))
        .isInstanceOf(InvalidSegmentException.class)
        .hasMessage(
            "segment 's13' at where: has 8,192 conditions once the segments it refers to are"
                + " inlined; the limit is 5,000");
  }

  @Test
  void rejectsBadIdsDuplicatesAndUnknownKeys() {
    assertThatThrownBy(
            () -> SegmentFixtures.parse("- id: High Value\n  where: {trait: a, exists: true}"))
        .hasMessageStartingWith("segment 'High Value' at id: segment id 'High Value' is invalid");
    assertThatThrownBy(() -> SegmentFixtures.parse("- name: x\n  where: {trait: a, exists: true}"))
        .hasMessage("segment '#1' at id: a segment needs an id (a string)");
    assertThatThrownBy(
            () ->
                SegmentFixtures.parse(
                    "- id: a\n  where: {trait: a, exists: true}\n- id: a\n  where: {trait: b,"
                        + " exists: true}"))
        .hasMessage("segment 'a': segment 'a' is defined twice");
    assertThatThrownBy(
            () -> SegmentFixtures.parse("- id: a\n  condition: {trait: a, exists: true}"))
        .hasMessage(
            "segment 'a' at condition: unknown key 'condition'; a segment has id, name,"
                + " description, where, activation");
    assertThatThrownBy(() -> SegmentFixtures.parse("- id: a"))
        .hasMessage("segment 'a' at where: a segment needs a condition ('where')");
  }

  @Test
  void anInvalidSegmentInCdpYamlRejectsTheWholeFileNamingTenantSegmentAndPath() throws Exception {
    Path file = dir.resolve("cdp.yaml");
    Files.writeString(
        file,
        """
        version: 1
        tenants:
          - id: acme
            segments:
              - id: ok
                where: {trait: plan, eq: pro}
              - id: broken
                where: {all: [{computed: lifetime_revenue, gt: "lots"}]}
        """);
    assertThatThrownBy(() -> ConfigFile.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "tenant 'acme': segment 'broken' at where.all[0].gt: lifetime_revenue is a number;"
                + " got the string 'lots'");
  }

  @Test
  void cdpYamlWithoutSegmentsStillLoadsAndIsSavedWithoutThem() throws Exception {
    Path file = dir.resolve("cdp.yaml");
    Files.writeString(
        file,
        """
        version: 1
        tenants:
          - id: acme
            name: Acme
            sources:
              - id: web
                writeKeyHashes: []
        """);
    CdpConfig config = ConfigFile.load(file);
    TenantConfig acme = config.tenant("acme").orElseThrow();
    assertThat(acme.segments()).isEmpty();
    assertThat(acme.segmentDefinitions().all()).isEmpty();
    ConfigFile.save(config, file);
    assertThat(Files.readString(file)).doesNotContain("segments");
  }

  @Test
  void segmentsInCdpYamlSurviveASave() throws Exception {
    Path file = dir.resolve("cdp.yaml");
    Files.writeString(
        file,
        """
        tenants:
          - id: acme
            segments:
              - id: pros
                name: Pro plan
                where: {trait: plan, in: [pro, "NO"]}
        """);
    ConfigFile.save(ConfigFile.load(file), file);
    Segment pros =
        ConfigFile.load(file)
            .tenant("acme")
            .orElseThrow()
            .segmentDefinitions()
            .find("pros")
            .orElseThrow();
    assertThat(pros.condition().describe()).isEqualTo("trait plan is one of ['pro', 'NO']");
  }

  @Test
  void loadsAFolderOfYamlAndJsonFilesTogetherWithCdpYaml() throws Exception {
    TenantConfig acme =
        new TenantConfig(
            "acme",
            "Acme",
            null,
            null,
            List.of(),
            null,
            null,
            SegmentFixtures.nodes("- id: pros\n  where: {trait: plan, eq: pro}"),
            null);
    Path folder = SegmentDefinitions.folder(dir, "acme");
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("a-big.yaml"),
        "id: big\nwhere: {all: [{in_segment: pros}, {computed: lifetime_revenue, gt: 100}]}\n");
    Files.writeString(
        folder.resolve("b-more.json"),
        "{\"segments\": [{\"id\": \"recent\", \"where\": {\"computed\": \"last_seen\","
            + " \"within_last\": \"7d\"}}]}");
    Files.writeString(folder.resolve("notes.txt"), "not a segment");
    Segments all = SegmentDefinitions.load(acme, folder);
    assertThat(all.all()).extracting(Segment::id).containsExactly("pros", "big", "recent");
    assertThat(SegmentDefinitions.load(acme, dir.resolve("missing")).all()).hasSize(1);
  }

  @Test
  void anInvalidFileInTheFolderIsNamedAndNothingIsLoaded() throws Exception {
    Path folder = dir.resolve("segs");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("good.yaml"), "id: good\nwhere: {trait: a, exists: true}\n");
    Path bad = folder.resolve("bad.yaml");
    Files.writeString(bad, "id: bad\nwhere: {computed: last_seen, within_last: soon}\n");
    assertThatThrownBy(() -> SegmentDefinitions.load(TenantConfig.named("acme", "Acme"), folder))
        .isInstanceOf(InvalidSegmentException.class)
        .hasMessage(
            "segment 'bad' at where.within_last: bad duration 'soon'; use a positive whole number"
                + " and a unit m, h, d or w, e.g. 30d (in "
                + bad
                + ")");
  }
}
