package io.meridian.cdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.trino.sql.parser.SqlParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiled SQL: golden files for both dialects (regenerate with {@code
 * -Dsegments.golden.update=true}), Trino SQL accepted by Trino's own parser, and every value from a
 * definition bound as a parameter.
 */
class SegmentCompilerTest {
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private static final Path GOLDEN = Path.of("src/test/resources/segments/golden");

  static Stream<Arguments> examplesInBothDialects() {
    return SegmentFixtures.examples().all().stream()
        .flatMap(s -> Stream.of(SqlDialect.values()).map(d -> Arguments.of(s.id(), d)));
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("examplesInBothDialects")
  void compilesEachExampleToItsGoldenFile(String id, SqlDialect dialect) throws IOException {
    Segments all = SegmentFixtures.examples();
    SegmentQuery q =
        new SegmentCompiler(dialect).members("acme", all.find(id).orElseThrow(), all, NOW);
    String actual = golden(q);
    Path file =
        GOLDEN.resolve(id + "." + dialect.name().toLowerCase(java.util.Locale.ROOT) + ".sql");
    if (Boolean.getBoolean("segments.golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertThat(file).exists();
    assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examplesInBothDialects")
  void trinoParserAcceptsTheAthenaSqlOfEveryExample(String id, SqlDialect dialect) {
    Segments all = SegmentFixtures.examples();
    Segment s = all.find(id).orElseThrow();
    SegmentCompiler trino = new SegmentCompiler(SqlDialect.TRINO);
    assertThatCode(() -> new SqlParser().createStatement(trino.members("acme", s, all, NOW).sql()))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                new SqlParser()
                    .createStatement(trino.explain("acme", s, all, NOW, "p_1").query().sql()))
        .doesNotThrowAnyException();
  }

  @Test
  void bindsTenantValuesAndTimesInOrderOfTheirMarks() {
    Segments all = SegmentFixtures.examples();
    SegmentQuery q =
        new SegmentCompiler(SqlDialect.DUCKDB)
            .members("acme", all.find("repeat-buyers").orElseThrow(), all, NOW);
    assertThat(q.parameters())
        .containsExactly(
            "acme",
            "acme",
            "acme",
            "acme",
            "Order Completed",
            NOW.minus(Duration.ofDays(90)),
            NOW,
            "/total",
            100.0,
            "/currency",
            "usd",
            2L);
    assertThat(q.sql()).doesNotContain("acme", "Order Completed", "100", "usd", "total");
  }

  static final List<String> HOSTILE =
      List.of(
          "x' OR '1'='1",
          "a\"; DROP TABLE cdp_curated.profiles; --",
          "back\\slash\\",
          "/* comment */",
          "$..*[?(@.a)]",
          "a/b~c",
          "ключ 😀",
          "what?",
          "'); --");

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(SqlDialect.class)
  void hostileNamesAndValuesOnlyEverAppearAsParameters(SqlDialect dialect) {
    StringBuilder yaml = new StringBuilder();
    int n = 0;
    for (String h : HOSTILE) {
      String q = json(h);
      yaml.append("- id: h")
          .append(n++)
          .append("\n  where: {all: [")
          .append("{trait: ")
          .append(q)
          .append(", eq: ")
          .append(q)
          .append("}, ")
          .append("{trait: [")
          .append(q)
          .append(", ")
          .append(q)
          .append("], in: [")
          .append(q)
          .append(", ")
          .append(q)
          .append("], ignore_case: true}, ")
          .append("{not: {trait: ")
          .append(q)
          .append(", ends_with: ")
          .append(q)
          .append("}}, ")
          .append("{performed: ")
          .append(q)
          .append(", where: [{property: ")
          .append(q)
          .append(", starts_with: ")
          .append(q)
          .append("}]}")
          .append("]}\n");
    }
    Segments all = SegmentFixtures.parse(yaml.toString());
    SegmentCompiler compiler = new SegmentCompiler(dialect);
    for (Segment s : all.all()) {
      SegmentQuery q = compiler.members("acme", s, all, NOW);
      SegmentQuery e = compiler.explain("acme", s, all, NOW, "p_x").query();
      for (SegmentQuery each : List.of(q, e)) {
        for (String h : HOSTILE) {
          assertThat(each.sql()).doesNotContain(h);
        }
        if (dialect == SqlDialect.TRINO) {
          assertThatCode(() -> new SqlParser().createStatement(each.sql()))
              .doesNotThrowAnyException();
        }
      }
      String h = HOSTILE.get(Integer.parseInt(s.id().substring(1)));
      // the trait name: a JSON pointer parameter for DuckDB, a map key parameter for Trino
      assertThat(q.parameters())
          .contains(h, dialect == SqlDialect.DUCKDB ? SegmentCompiler.pointer(List.of(h)) : h);
    }
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void nestedTraitPathsBecomeJsonPointersWithEscapes() {
    assertThat(SegmentCompiler.pointer(List.of("a/b", "c~d", "x\"y"))).isEqualTo("/a~1b/c~0d/x\"y");
  }

  static String golden(SegmentQuery q) {
    StringBuilder out = new StringBuilder(q.sql()).append("\n-- parameters:\n");
    for (int i = 0; i < q.parameters().size(); i++) {
      Object p = q.parameters().get(i);
      out.append("--   ")
          .append(i + 1)
          .append(": ")
          .append(p.getClass().getSimpleName())
          .append(' ')
          .append(p)
          .append('\n');
    }
    return out.toString();
  }
}
