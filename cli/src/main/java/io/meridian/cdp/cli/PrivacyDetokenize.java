package io.meridian.cdp.cli;

import io.meridian.cdp.privacy.PiiCodec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cdp privacy detokenize --tenant T TOKEN --reason TEXT}: the clear value of a token,
 * printed once, and the use recorded in the audit log (who, when, why, a digest of the token; never
 * the value). A reason is required.
 */
@Command(
    name = "detokenize",
    mixinStandardHelpOptions = true,
    description =
        "Print the value a token of the tenant's PII policy stands for. Requires --reason;"
            + " recorded in the audit log (who, when, why, the token's SHA-256 - never the value).")
final class PrivacyDetokenize implements Callable<Integer> {
  @Mixin Options options;
  @Mixin AuditOptions audit;
  @Spec CommandSpec spec;

  @Option(names = "--tenant", required = true, paramLabel = "T", description = "Whose token")
  String tenant;

  @Parameters(index = "0", paramLabel = "TOKEN", description = "A token: tok_ and base64url text")
  String token;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (audit.reason == null || audit.reason.isBlank()) {
      throw new Cdp.UserError("--reason is required: say why the value is needed (e.g. a ticket)");
    }
    String t = token.strip();
    if (!PiiCodec.isToken(t)) {
      throw new Cdp.UserError("not a token: tokens look like tok_ and base64url text");
    }
    try (LocalRuntime rt = LocalRuntime.open(options, out)) {
      if (rt.tenants().tenant(tenant).isEmpty()) {
        throw new Cdp.UserError("no tenant '" + tenant + "'");
      }
      rt.audit().requireAppendable(); // no disclosure that could not be recorded
      String digest = AuditOptions.sha256(t.getBytes(StandardCharsets.UTF_8));
      String value;
      try {
        value = rt.piiKeys().detokenizer(tenant).detokenize(t);
      } catch (IllegalArgumentException | IllegalStateException e) {
        rt.record(
            audit
                .event("privacy.detokenize", "tenant:" + tenant, "failure")
                .with("token_sha256", digest));
        throw new Cdp.UserError(e.getMessage());
      }
      rt.record(
          audit
              .event("privacy.detokenize", "tenant:" + tenant, "success")
              .with("token_sha256", digest));
      out.println(value);
      out.flush();
      return 0;
    }
  }
}
