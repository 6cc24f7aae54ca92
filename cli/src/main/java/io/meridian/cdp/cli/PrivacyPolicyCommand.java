package io.meridian.cdp.cli;

import io.meridian.cdp.privacy.PiiAction;
import io.meridian.cdp.privacy.PiiKind;
import io.meridian.cdp.privacy.PiiPolicy;
import io.meridian.cdp.privacy.PiiType;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cdp privacy policy --tenant T [--set declared.email=hash]... [--hash-secret REF]}: shows a
 * tenant's PII policy in force, or changes it (validated like cdp.yaml, saved, and recorded in the
 * audit log as {@code privacy.policy}).
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description =
        "Show a tenant's PII policy (every kind and its action), or change it with --set"
            + " declared.KIND=ACTION / detected.KIND=ACTION and --hash-secret REF (recorded in the"
            + " audit log). Applies to events converted from then on.")
final class PrivacyPolicyCommand implements Callable<Integer> {
  @Mixin Options options;
  @Mixin AuditOptions audit;
  @Spec CommandSpec spec;

  @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant")
  String tenant;

  @Option(
      names = "--set",
      paramLabel = "WHERE.KIND=ACTION",
      description =
          "e.g. declared.email=hash, detected.payment_card=drop (actions: keep, hash, tokenize,"
              + " mask, drop)")
  List<String> changes = new ArrayList<>();

  @Option(
      names = "--hash-secret",
      paramLabel = "REF",
      description =
          "Reference to the tenant's HMAC secret: file:NAME, env:NAME, secretsmanager:NAME")
  String hashSecret;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalRuntime rt = LocalRuntime.open(options, out)) {
      CdpConfig config = rt.tenants().config();
      TenantConfig t =
          config.tenant(tenant).orElseThrow(() -> new Cdp.UserError("no tenant '" + tenant + "'"));
      PiiPolicy policy = t.privacyPolicy();
      if (!changes.isEmpty() || hashSecret != null) {
        policy = changed(policy);
        rt.audit().requireAppendable(); // no change that could not be recorded
        rt.saveConfig(config.withTenant(t.withPrivacy(policy)));
        rt.record(
            audit
                .event("privacy.policy", "tenant:" + tenant, "success")
                .with("changes", String.join(",", changes))
                .with("hash_secret", hashSecret == null ? "unchanged" : "set"));
        out.println("Saved the PII policy of tenant '" + tenant + "'.");
      }
      print(out, policy);
      out.flush();
      return 0;
    }
  }

  private PiiPolicy changed(PiiPolicy policy) {
    Map<PiiType, PiiAction> declared = new EnumMap<>(PiiType.class);
    declared.putAll(policy.declaredSet());
    Map<PiiKind, PiiAction> detected = new EnumMap<>(PiiKind.class);
    detected.putAll(policy.detectedSet());
    for (String change : changes) {
      int eq = change.indexOf('=');
      int dot = change.indexOf('.');
      if (eq < 0 || dot < 0 || dot > eq) {
        throw new Cdp.UserError(
            "--set " + change + ": write declared.KIND=ACTION or detected.KIND=ACTION");
      }
      String where = change.substring(0, dot);
      String kind = change.substring(dot + 1, eq);
      String action = change.substring(eq + 1);
      try {
        switch (where) {
          case "declared" ->
              declared.put(PiiType.parse(kind), PiiAction.parse(action, "declared kind " + kind));
          case "detected" ->
              detected.put(
                  PiiPolicy.parseKind(kind), PiiAction.parse(action, "detected kind " + kind));
          default ->
              throw new Cdp.UserError(
                  "--set " + change + ": it starts with declared. or detected., not " + where);
        }
      } catch (IllegalArgumentException e) {
        throw new Cdp.UserError("--set " + change + ": " + e.getMessage());
      }
    }
    String secret =
        hashSecret != null ? hashSecret : policy.hashSecret().map(Object::toString).orElse(null);
    try {
      return new PiiPolicy(declared, detected, secret);
    } catch (IllegalArgumentException e) {
      throw new Cdp.UserError(e.getMessage());
    }
  }

  private static void print(PrintWriter out, PiiPolicy p) {
    out.println("declared (fields the schema classifies):");
    for (PiiType t : PiiType.values()) {
      out.printf(
          "  %-14s %-9s%s%n",
          t.yamlName(), p.action(t).yamlName(), p.declaredSet().containsKey(t) ? "" : "(default)");
    }
    out.println("detected (found in undeclared properties and traits):");
    for (PiiKind k : PiiKind.values()) {
      out.printf(
          "  %-14s %-9s%s%n",
          k.name().toLowerCase(Locale.ROOT),
          p.action(k).yamlName(),
          p.detectedSet().containsKey(k) ? "" : "(default)");
    }
    out.println("hashSecret: " + p.hashSecret().map(Object::toString).orElse("(none)"));
  }
}
