package io.meridian.cdp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.privacy.PiiAction;
import io.meridian.cdp.privacy.PiiType;
import io.meridian.cdp.tenant.ConfigFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's PII policy through the CLI: {@code cdp import} (which runs the pipeline) prints the
 * counts by kind and action and no value, {@code cdp profile} finds a person by a clear email whose
 * stored form is a hash, and {@code cdp privacy detokenize} needs a reason and is audited.
 */
class PiiPolicyCliTest {
  private static final String KEY = "wk_pii_policy_cli_test_0001";

  @TempDir Path temp;

  private Path data;

  private record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() {
    data = temp.resolve("data");
  }

  private Result cdp(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data");
    all.add(data.toString());
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

  private String auditLog() throws IOException {
    StringBuilder b = new StringBuilder();
    try (var files = Files.list(data.resolve("lake/_audit/log"))) {
      for (Path p : files.sorted().toList()) {
        b.append(Files.readString(p));
      }
    }
    return b.toString();
  }

  @Test
  void importAppliesThePolicyAndLookupsAndDetokenizeWork() throws Exception {
    ok("tenants", "add", "acme");
    ok("sources", "add", "--tenant", "acme", "web", "--write-key", KEY);
    ok("secrets", "set", "acme-pii", "--generate");
    Result badKind = cdp("privacy", "policy", "--tenant", "acme", "--set", "declared.emial=hash");
    assertThat(badKind.code()).isEqualTo(2);
    assertThat(badKind.err()).contains("unknown kind 'emial'");
    Result noSecret = cdp("privacy", "policy", "--tenant", "acme", "--set", "declared.email=hash");
    assertThat(noSecret.code()).isEqualTo(2);
    assertThat(noSecret.err()).contains("the action hash needs hashSecret");
    Result set =
        ok(
            "privacy",
            "policy",
            "--tenant",
            "acme",
            "--set",
            "declared.email=hash",
            "--set",
            "declared.phone=tokenize",
            "--hash-secret",
            "file:acme-pii",
            "--reason",
            "DPA-2026-1");
    assertThat(set.out())
        .containsPattern("email +hash")
        .containsPattern("phone +tokenize")
        .containsPattern("ip +mask +\\(default\\)")
        .containsPattern("payment_card +mask +\\(default\\)");
    assertThat(
            ConfigFile.load(data.resolve("cdp.yaml"))
                .tenant("acme")
                .orElseThrow()
                .privacyPolicy()
                .action(PiiType.EMAIL))
        .isEqualTo(PiiAction.HASH);

    Path events = temp.resolve("events.jsonl");
    Files.writeString(
        events,
        """
        {"type":"identify","anonymousId":"a-1","traits":{"email":"Carol.Jones@Example.com","phone":"+1 650 253 0000"}}
        {"type":"track","anonymousId":"a-2","event":"Viewed","context":{"traits":{"email":"carol.jones@example.com"}},"properties":{"card":"4111 1111 1111 1111"}}
        """,
        StandardCharsets.UTF_8);
    Result imported = ok("import", "--tenant", "acme", "--source", "web", events.toString());
    assertThat(imported.out())
        .contains("pii declared.email.hash")
        .contains("pii declared.phone.tokenize")
        .contains("pii detected.payment_card.mask")
        .doesNotContainIgnoringCase("carol")
        .doesNotContain("4111")
        .doesNotContain("253");
    assertThat(imported.err()).doesNotContainIgnoringCase("carol").doesNotContain("4111");

    // looked up by the clear value, in any case: the same transform is applied to it
    Result profile = ok("profile", "CAROL.JONES@example.com", "--tenant", "acme");
    assertThat(profile.out()).contains("Profile p_").contains("hmac_");

    String token;
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(data.resolve("lake"))) {
      token =
          (String)
              sql.query("SELECT traits->>'phone' FROM clean.events WHERE type = 'identify'")
                  .scalar();
    }
    assertThat(token).startsWith("tok_");

    Result noReason = cdp("privacy", "detokenize", "--tenant", "acme", token);
    assertThat(noReason.code()).isEqualTo(2);
    assertThat(noReason.err()).contains("--reason is required");

    Result clear =
        ok("privacy", "detokenize", "--tenant", "acme", token, "--reason", "TICKET-7 support call");
    assertThat(clear.out().strip()).isEqualTo("+16502530000");

    String altered =
        token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA");
    Result bad = cdp("privacy", "detokenize", "--tenant", "acme", altered, "--reason", "TICKET-8");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("does not authenticate");

    String log = auditLog();
    assertThat(log).contains("\"action\":\"privacy.policy\"").contains("DPA-2026-1");
    assertThat(log)
        .contains("\"action\":\"privacy.detokenize\"")
        .contains("\"reason\":\"TICKET-7 support call\"")
        .contains("\"outcome\":\"failure\"")
        .contains("token_sha256")
        .doesNotContain("6502530000");
    ok("audit", "verify");
  }

  @Test
  void aPolicyNamingAnUnknownActionStopsEveryCommandWithTheLineAndTheReason() throws Exception {
    ok("tenants", "add", "acme");
    Path configFile = data.resolve("cdp.yaml");
    Files.writeString(
        configFile,
        Files.readString(configFile) + "  privacy:\n    declared:\n      email: encrypt\n");
    Result r = cdp("run");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .contains("unknown action 'encrypt'; known actions: keep, hash, tokenize, mask, drop")
        .containsPattern("\\(line \\d+\\)");
  }
}
