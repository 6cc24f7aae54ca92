package io.meridian.cdp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cdp privacy erase|export|verify-report} end to end in local mode: import through the
 * ingest core, the pipeline, then the requests, read back with DuckDB through {@code cdp sql}.
 */
class PrivacyRequestsTest {
  @TempDir Path temp;

  private record Result(int code, String out, String err) {}

  private Result cdp(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data");
    all.add(temp.resolve("data").toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cdp.run(all.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private Result ok(String... args) {
    Result r = cdp(args);
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }

  private String csv(String sql) {
    return ok("sql", "--format", "csv", sql).out().strip();
  }

  private Path write(String name, String content) throws IOException {
    Path f = temp.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private static final String CALLS =
      """
      {"type":"page","anonymousId":"dev-alice","messageId":"a1","timestamp":"2026-11-20T10:00:00Z"}
      {"type":"identify","userId":"alice","anonymousId":"dev-alice","messageId":"a2","traits":{"email":"Alice@Example.com","plan":"gold"},"context":{"consent":{"categoryPreferences":{"Advertising":false}}},"timestamp":"2026-11-20T10:01:00Z"}
      {"type":"track","userId":"alice","event":"Order Completed","properties":{"revenue":12.5},"messageId":"a3","timestamp":"2026-11-20T10:02:00Z"}
      {"type":"identify","userId":"bob","traits":{"email":"bob@example.com"},"context":{"consent":{"categoryPreferences":{"Advertising":true}}},"messageId":"b1","timestamp":"2026-11-20T10:03:00Z"}
      {"type":"track","userId":"bob","event":"Viewed","messageId":"b2","timestamp":"2026-11-20T10:04:00Z"}
      """;

  private static final String RETRY =
      """
      {"type":"track","userId":"alice","event":"Order Completed","properties":{"revenue":12.5},"messageId":"a3","timestamp":"2026-11-20T10:02:00Z"}
      {"type":"track","userId":"bob","event":"Viewed","messageId":"b3","timestamp":"2026-11-20T10:05:00Z"}
      """;

  @Test
  void eraseExportAndVerifyAReport() throws IOException {
    ok("tenants", "add", "acme");
    ok("sources", "add", "--tenant", "acme", "web");
    ok("import", "--tenant", "acme", "--source", "web", write("calls.jsonl", CALLS).toString());
    // A client's retry of alice's order (same message id) lands in a later raw object; the clean
    // zone keeps one row of it, and erasure must still find the retried raw line.
    ok("import", "--tenant", "acme", "--source", "web", write("retry.jsonl", RETRY).toString());
    assertThat(csv("SELECT count(*) FROM raw.events WHERE message_id = 'a3'")).endsWith("2");
    String bobBefore = csv("SELECT * FROM clean.events WHERE user_id = 'bob' ORDER BY message_id");
    assertThat(csv("SELECT count(*) FROM clean.events")).endsWith("6");

    Path exported = temp.resolve("alice.json");
    ok(
        "privacy",
        "export",
        "--tenant",
        "acme",
        "--identifier-type",
        "email",
        "--identifier",
        "ALICE@example.com",
        "--out",
        exported.toString(),
        "--reason",
        "DSAR-1");
    JsonNode doc = Json.MAPPER.readTree(exported.toFile());
    assertThat(doc.path("events")).hasSize(3);
    assertThat(doc.path("profile").path("traits").path("plan").asText()).isEqualTo("gold");
    assertThat(doc.path("consentHistory").get(0).path("granted").asBoolean(true)).isFalse();

    Path report = temp.resolve("report.json");
    Result erase =
        ok(
            "privacy",
            "erase",
            "--tenant",
            "acme",
            "--identifier-type",
            "user_id",
            "--identifier",
            "alice",
            "--reason",
            "GDPR-42",
            "--report",
            report.toString());
    assertThat(erase.out()).contains("Erased (request er-").contains("cleanRows");

    assertThat(csv("SELECT count(*) FROM clean.events")).endsWith("3");
    assertThat(csv("SELECT * FROM clean.events WHERE user_id = 'bob' ORDER BY message_id"))
        .isEqualTo(bobBefore);
    assertThat(csv("SELECT count(*) FROM raw.events WHERE payload ILIKE '%alice%'")).endsWith("0");
    assertThat(csv("SELECT count(*) FROM raw.events")).endsWith("3");
    assertThat(csv("SELECT count(*) FROM curated.identity_graph WHERE identifier ILIKE '%alice%'"))
        .endsWith("0");
    assertThat(csv("SELECT count(*) FROM curated.profiles")).endsWith("1");
    assertThat(csv("SELECT count(*) FROM curated.consent_history")).endsWith("1");
    String reportText = Files.readString(report);
    assertThat(reportText).doesNotContainIgnoringCase("alice");

    assertThat(ok("privacy", "verify-report", report.toString()).out()).startsWith("Valid");
    Path tampered = write("tampered.json", reportText.replace("\"GDPR-42\"", "\"GDPR-43\""));
    Result bad = cdp("privacy", "verify-report", tampered.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err().strip().lines()).hasSize(1);
    assertThat(bad.err()).contains("INVALID");

    assertThat(
            ok(
                    "privacy",
                    "erase",
                    "--tenant",
                    "acme",
                    "--identifier-type",
                    "user_id",
                    "--identifier",
                    "alice")
                .out())
        .contains("Already erased");

    Result unknown =
        cdp(
            "privacy",
            "erase",
            "--tenant",
            "acme",
            "--identifier-type",
            "email",
            "--identifier",
            "nobody@example.com");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err().strip().lines()).hasSize(1);
    assertThat(unknown.err()).contains("not found").doesNotContain("nobody");

    // the person comes back through ingestion: accepted, never stored
    ok(
        "import",
        "--tenant",
        "acme",
        "--source",
        "web",
        write(
                "again.jsonl",
                "{\"type\":\"track\",\"userId\":\"alice\",\"event\":\"Back\",\"messageId\":\"a9\"}\n"
                    + "{\"type\":\"track\",\"userId\":\"carol\",\"event\":\"New\",\"messageId\":\"c1\"}\n")
            .toString());
    assertThat(csv("SELECT count(*) FROM clean.events WHERE user_id = 'alice'")).endsWith("0");
    assertThat(csv("SELECT count(*) FROM clean.events WHERE user_id = 'carol'")).endsWith("1");
    assertThat(csv("SELECT count(*) FROM curated.identity_graph WHERE identifier = 'alice'"))
        .endsWith("0");

    Result log = ok("audit", "log");
    assertThat(log.out()).contains("privacy.erase").contains("privacy.export").contains("GDPR-42");
    assertThat(log.out()).doesNotContainIgnoringCase("alice@");
    ok("audit", "verify");
  }
}
