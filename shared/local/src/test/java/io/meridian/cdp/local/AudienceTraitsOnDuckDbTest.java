package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.AudienceTraits;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text {@link AudienceTraits} stores for a trait path is exactly what DuckDB's {@code
 * json_extract_string} returns from the JSON that build-profiles writes, checked by DuckDB itself.
 */
class AudienceTraitsOnDuckDbTest {
  /** Trait values as they arrive in events: the JSON text of a value. */
  static final List<String> VALUES =
      List.of(
          "\"plain\"",
          "\"quotes \\\" and \\\\ backslash\"",
          "\"ключ 😀 é / \\u2028\"",
          "\"tab\\tnew\\nline\\r\\b\\f\\u0001\\u001f\\u007f\"",
          "\"\"",
          "0",
          "-0",
          "42",
          "-17",
          "9223372036854775807",
          "-9223372036854775808",
          "18446744073709551615",
          "123456789012345678901234567890",
          "-123456789012345678901234567890",
          "42.50",
          "1e3",
          "1E+3",
          "1000.0",
          "-0.0",
          "0.0",
          "0.1",
          "2.5e-7",
          "1e-6",
          "1.25e-6",
          "1e20",
          "1e21",
          "1.5e21",
          "123456789.123456789",
          "3.14159265358979323846",
          "1.7976931348623157e308",
          "4.9e-324",
          "1e400",
          "-1e400",
          "1e-400",
          "true",
          "false",
          "null",
          "{}",
          "[]",
          "{\"b\":1.50,\"c\":[1,\"é\\n\\u0001/\",null,true,{\"d\":1e3}],\"e\":\"x\\\"y\"}",
          "[10,20,{\"0\":5}]",
          "[\"a\",[\"b\"]]");

  /** Paths into a document {"v": value, ...}. */
  static final List<List<String>> PATHS =
      List.of(
          List.of("v"),
          List.of("v", "b"),
          List.of("v", "c"),
          List.of("v", "0"),
          List.of("v", "1"),
          List.of("v", "01"),
          List.of("v", "-"),
          List.of("v", "2", "0"),
          List.of("v", "1", "0"),
          List.of("missing"),
          List.of("a.b"),
          List.of("we'ird/~key"),
          List.of(""),
          List.of());

  @Test
  void textOfEveryValueAndPathIsWhatDuckDbExtracts() throws Exception {
    List<String> documents = new ArrayList<>();
    for (String v : VALUES) {
      documents.add("{\"v\":" + v + ",\"a.b\":\"dotted\",\"we'ird/~key\":7,\"\":{\"\":1}}");
    }
    compare(documents, PATHS);
    List<String> numbers = new ArrayList<>();
    Random r = new Random(42);
    for (int i = 0; i < 4000; i++) {
      numbers.add("{\"v\":" + randomNumber(r) + "}");
    }
    compare(numbers, List.of(List.of("v")));
  }

  /** Numbers of every magnitude, as doubles' text and as decimals with few or many digits. */
  private static String randomNumber(Random r) {
    switch (r.nextInt(4)) {
      case 0:
        return Double.toString(Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL));
      case 1:
        return Double.toString((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(50) - 25));
      case 2:
        return new BigDecimal(r.nextInt(1_000_000) - 500_000)
            .scaleByPowerOfTen(-r.nextInt(12) + r.nextInt(30) - 10)
            .toString();
      default:
        return (r.nextInt(2000) - 1000) + "." + r.nextInt(100) + "e" + (r.nextInt(60) - 30);
    }
  }

  /**
   * Each document as build-profiles holds it (parsed by the event mapper) and writes it (Jackson's
   * text): DuckDB's extraction from that text equals ours from the tree.
   */
  static void compare(List<String> documents, List<List<String>> paths) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement q = c.prepareStatement("SELECT json_extract_string(?, ?)")) {
      int checked = 0;
      for (String doc : documents) {
        JsonNode node = Json.MAPPER.readTree(doc);
        String written = node.toString();
        for (List<String> path : paths) {
          q.setString(1, written);
          q.setString(2, pointer(path));
          try (ResultSet rs = q.executeQuery()) {
            rs.next();
            assertThat(AudienceTraits.extract(node, path))
                .as("path %s of %s (written %s)", path, doc, written)
                .isEqualTo(rs.getString(1));
            checked++;
          }
        }
      }
      assertThat(checked).isEqualTo(documents.size() * paths.size());
    }
  }

  static String pointer(List<String> keys) {
    StringBuilder out = new StringBuilder();
    for (String k : keys) {
      out.append('/').append(k.replace("~", "~0").replace("/", "~1"));
    }
    return out.toString();
  }

  @Test
  void buildProfilesWritesTheTableInTheOrderOfProfilesWithWhatDuckDbExtracts(@TempDir Path lake)
      throws Exception {
    CuratedStore store = new CuratedStore(new LocalFileObjectStore(lake), lake.resolve("_tmp"));
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < VALUES.size(); i++) {
      calls.add(
          new Call(
              "m" + i,
              "identify",
              null,
              "user" + i,
              null,
              "{\"v\":"
                  + VALUES.get(i)
                  + ",\"plan\":\"p"
                  + (i % 3)
                  + "\",\"address\":{\"country\":\"SE\"},\"a.b\":"
                  + i
                  + "}",
              null,
              1_790_000_000L + i * 3_600L));
    }
    calls.add(new Call("anon", "track", "Viewed", null, "anon-1", null, "{}", 1_790_000_000L));
    CleanFixtures.writeClean(store.objects(), lake, "acme", "2026-09-21", "a", calls);
    new ResolveIdentities(store).run("acme", IdentityRules.defaults(), "US");
    List<List<String>> paths =
        List.of(
            List.of("v"),
            List.of("plan"),
            List.of("address", "country"),
            List.of("a.b"),
            List.of("v", "c"),
            List.of("missing"));
    AudienceTraits.Layout layout =
        new AudienceTraits.Layout(List.of("last_seen", "lifetime_revenue", "order_count"), paths);
    new BuildProfiles(store).run("acme", IdentityRules.defaults(), layout);

    CuratedStore.Pointer pointer = store.pointer("acme", CuratedStore.PROFILES).orElseThrow();
    assertThat(pointer.audienceTraits()).isEqualTo(layout);
    Path profiles = lake.resolve(pointer.tables().get("profiles"));
    Path index = lake.resolve(pointer.tables().get(AudienceTraits.TABLE));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      StringBuilder sql =
          new StringBuilder(
              "SELECT count(*), count(*) FILTER (WHERE p.profile_id = a.profile_id AND"
                  + " p.last_seen = a.last_seen AND p.lifetime_revenue = a.lifetime_revenue AND"
                  + " p.order_count = a.order_count");
      for (int i = 0; i < paths.size(); i++) {
        sql.append(" AND json_extract_string(p.traits, '")
            .append(pointer(paths.get(i)).replace("'", "''"))
            .append("') IS NOT DISTINCT FROM a.")
            .append(AudienceTraits.column(i));
      }
      sql.append(
          ") FROM (SELECT *, file_row_number AS n FROM read_parquet('"
              + profiles
              + "', file_row_number = true)) p JOIN (SELECT *, file_row_number AS n FROM"
              + " read_parquet('"
              + index
              + "', file_row_number = true)) a ON a.n = p.n");
      long rows;
      try (ResultSet rs =
          s.executeQuery(
              "SELECT (SELECT count(*) FROM read_parquet('"
                  + profiles
                  + "')), (SELECT count(*) FROM read_parquet('"
                  + index
                  + "'))")) {
        rs.next();
        rows = rs.getLong(1);
        assertThat(rs.getLong(2)).isEqualTo(rows);
      }
      // one profile per identified user and the anonymous one
      assertThat(rows).isEqualTo(VALUES.size() + 1);
      try (ResultSet rs = s.executeQuery(sql.toString())) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(rows);
        assertThat(rs.getLong(2))
            .as("rows equal to the profile of the same position")
            .isEqualTo(rows);
      }
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM read_parquet('" + index + "') WHERE t0 IS NULL")) {
        rs.next();
        // the anonymous profile has no traits; "null" is stored as no value
        assertThat(rs.getLong(1)).isEqualTo(2);
      }
    }
  }
}
