package io.meridian.cdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trino.sql.parser.SqlParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Athena side of the set-based segment run (ADR 0017): the statements compute-segments sends,
 * pinned by golden files (regenerate with {@code -Dsegments.golden.update=true}) and accepted by
 * Trino's own parser. They are not run here (no Athena; moto runs no SQL): the same algorithm in
 * the DuckDB dialect is executed by {@code EngineSegmentRunTest} in cdp-local.
 */
class SegmentStatementsTest {
  private static final Instant AT = Instant.parse("2026-11-20T12:00:00Z");
  private static final Path GOLDEN = Path.of("src/test/resources/segments/golden/run");
  private static final SegmentStatements ATHENA = new SegmentStatements(SegmentStatements.athena());
  private static final Pattern SNAPSHOT_TABLE =
      Pattern.compile("FROM cdp_curated\\.(\\w+) WHERE tenant = 'acme' AND snapshot = (\\d+)\\)");

  static Stream<String> examples() {
    return SegmentFixtures.examples().all().stream().map(Segment::id);
  }

  private static void assertGolden(String name, SegmentQuery q) throws IOException {
    String actual = SegmentCompilerTest.golden(q);
    Path file = GOLDEN.resolve(name + ".trino.sql");
    if (Boolean.getBoolean("segments.golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertThat(file).exists();
    assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void theMembersStatementOfEveryExampleParsesAndReadsOnlyThePointersSnapshots(String id) {
    Segments all = SegmentFixtures.examples();
    SegmentQuery q = ATHENA.members("acme", all.find(id).orElseThrow(), all, 12, 7, 3, AT);
    new SqlParser().createStatement(q.sql());
    assertThat(q.sql())
        .doesNotContain("cdp_curated.profiles p")
        .doesNotContain("JOIN cdp_curated.identity_graph");
    Matcher m = SNAPSHOT_TABLE.matcher(q.sql());
    int found = 0;
    while (m.find()) {
      found++;
      String expected =
          switch (m.group(1)) {
            case "profiles" -> "12";
            case "identity_graph" -> "7";
            case "segment_membership" -> "3";
            default -> throw new AssertionError("unexpected curated table " + m.group(1));
          };
      assertThat(m.group(2)).as("snapshot of %s", m.group(1)).isEqualTo(expected);
    }
    // every reference to a curated snapshot table is confined (event_identifiers is by day)
    assertThat(found)
        .isEqualTo(
            q.sql().split("cdp_curated\\.(profiles|identity_graph|segment_membership)", -1).length
                - 1);
    assertThat(q.parameters()).startsWith(id, AT).endsWith(id);
  }

  @Test
  void membersKeepTheEntryTimeOfThePreviousSnapshot() throws IOException {
    Segments all = SegmentFixtures.examples();
    assertGolden(
        "members-repeat-buyers",
        ATHENA.members("acme", all.find("repeat-buyers").orElseThrow(), all, 12, 7, 3, AT));
    assertGolden(
        "members-big-spenders-first-run",
        ATHENA.members("acme", all.find("big-spenders").orElseThrow(), all, 1, 1, 0, AT));
  }

  @Test
  void changesAreAFullOuterJoinOfThePreviousAndTheNewMembership() throws IOException {
    SegmentQuery changes = ATHENA.changes("acme", 4, 3, AT, "000004-20261120T120000Z");
    SegmentQuery count = ATHENA.countChanges("acme", 4, 3, AT, "000004-20261120T120000Z");
    new SqlParser().createStatement(changes.sql());
    new SqlParser().createStatement(count.sql());
    assertGolden("changes", changes);
    assertGolden("count-changes", count);
    // every segment deleted: the new side is empty, everyone exits
    SegmentQuery allDeleted = ATHENA.changes("acme", 0, 3, AT, "r");
    new SqlParser().createStatement(allDeleted.sql());
    assertThat(allDeleted.sql()).contains("WHERE false").contains("snapshot = 3");
  }

  @Test
  void relationsTakeOnlyCheckedTenantIdsAndSnapshotNumbers() {
    Segments all = SegmentFixtures.examples();
    Segment s = all.find("big-spenders").orElseThrow();
    assertThatThrownBy(() -> ATHENA.members("acme' OR '1'='1", s, all, 1, 1, 0, AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant id");
    assertThatThrownBy(() -> ATHENA.members("acme", s, all, 0, 1, 0, AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot 0 is out of range");
    assertThat(SegmentStatements.membersPrefix("acme", 2, "vip"))
        .isEqualTo("curated/segment_membership/tenant=acme/snapshot=000002/segment-vip/");
  }
}
