package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.privacy.Erasure;
import io.meridian.cdp.privacy.ErasureReport;
import io.meridian.cdp.privacy.PersonExport;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cdp privacy erase|export|verify-report}: data subjects' requests (docs/PRIVACY.md). */
final class PrivacyRequests {
  private PrivacyRequests() {}

  /** The person to act on. */
  static final class Subject {
    @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant")
    String tenant;

    @Option(
        names = "--identifier-type",
        required = true,
        paramLabel = "TYPE",
        description = "An identifier type of the tenant's rules: user_id, email, phone, ...")
    String type;

    @Option(
        names = "--identifier",
        required = true,
        paramLabel = "VALUE",
        description = "The value, in any form identity resolution accepts (case, phone format)")
    String value;

    TenantConfig tenant(LocalRuntime rt) {
      return rt.tenants()
          .tenant(tenant)
          .orElseThrow(() -> new Cdp.UserError("unknown tenant '" + tenant + "'"));
    }
  }

  /** Not found: one line, exit code 1. */
  static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message, null, false, false);
    }
  }

  @Command(
      name = "erase",
      mixinStandardHelpOptions = true,
      description =
          "Erase a person found by any identifier: from clean, curated and raw data, and from"
              + " future ingestion and activation (suppression list); writes a signed completion"
              + " report. Runs pending pipeline work first. Running it again does nothing new; an"
              + " interrupted erasure resumes.")
  static final class Erase implements Callable<Integer> {
    @Mixin Options options;
    @Mixin Subject subject;
    @Mixin AuditOptions audit;
    @Spec CommandSpec spec;

    @Option(
        names = "--report",
        paramLabel = "FILE",
        description = "Also write the signed report to FILE")
    Path reportFile;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalRuntime rt = LocalRuntime.open(options, out)) {
        TenantConfig tenant = subject.tenant(rt);
        rt.audit().requireAppendable();
        if (rt.ensurePrivacyKey(tenant.id())) {
          out.println(
              "Created the privacy key of tenant "
                  + tenant.id()
                  + " in "
                  + rt.data().resolve("secrets")
                  + " (signs erasure reports, keys the suppression list; keep it).");
        }
        // events still in the spool or raw zone reach clean first, so none of them escapes
        rt.pipeline().runOnce();
        Erasure erasure =
            new Erasure(
                rt.lake(),
                rt.data().resolve("work"),
                rt.privacyKeys(),
                rt.suppression(),
                rt.audit(),
                rt.clock(),
                null);
        Erasure.Outcome outcome =
            erasure.erase(tenant, subject.type, subject.value, audit.reason, AuditOptions.actor());
        if (outcome instanceof Erasure.NotFound nf) {
          throw new NotFound(
              "not found: no profile of tenant "
                  + tenant.id()
                  + " holds this "
                  + subject.type
                  + " (request "
                  + nf.requestId()
                  + " recorded in the audit log)");
        }
        Erasure.Done done = (Erasure.Done) outcome;
        Path reportPath = rt.data().resolve("lake").resolve(done.reportKey());
        if (reportFile != null) {
          Files.write(reportFile, Files.readAllBytes(reportPath));
          reportPath = reportFile;
        }
        out.println(
            (done.alreadyDone()
                    ? "Already erased (request " + done.requestId() + "); nothing was done now."
                    : "Erased (request "
                        + done.requestId()
                        + (done.resumed() ? ", resumed" : "")
                        + ").")
                + " Report: "
                + reportPath);
        for (Map.Entry<String, Long> c : Erasure.counts(done.report()).entrySet()) {
          out.printf("  %-28s %d%n", c.getKey(), c.getValue());
        }
        return 0;
      }
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Everything held about a person as JSON: profile, traits, computed traits, identifiers,"
              + " merges, consent and its history, segment memberships and changes, events.")
  static final class Export implements Callable<Integer> {
    @Mixin Options options;
    @Mixin Subject subject;
    @Mixin AuditOptions audit;
    @Spec CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (default: stdout)")
    Path outFile;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalRuntime rt = LocalRuntime.open(options, out)) {
        TenantConfig tenant = subject.tenant(rt);
        rt.ensurePrivacyKey(tenant.id()); // hashes the identifier in the audit log
        PersonExport export =
            new PersonExport(
                rt.lake(), rt.data().resolve("work"), rt.privacyKeys(), rt.audit(), rt.clock());
        Optional<ObjectNode> doc =
            export.export(tenant, subject.type, subject.value, audit.reason, AuditOptions.actor());
        if (doc.isEmpty()) {
          throw new NotFound(
              "not found: no profile of tenant "
                  + tenant.id()
                  + " holds this "
                  + subject.type
                  + " (request recorded in the audit log)");
        }
        byte[] json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc.get());
        if (outFile != null) {
          Files.write(outFile, json);
          out.println(
              "Wrote "
                  + outFile
                  + ": profile "
                  + doc.get().path("profileId").asText()
                  + ", "
                  + doc.get().path("events").size()
                  + " events.");
        } else {
          out.println(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        }
        return 0;
      }
    }
  }

  @Command(
      name = "verify-report",
      mixinStandardHelpOptions = true,
      description = "Check the signature of an erasure completion report with the tenant's key.")
  static final class VerifyReport implements Callable<Integer> {
    @Mixin Options options;
    @Spec CommandSpec spec;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new Cdp.UserError("no such file: " + file);
      }
      ErasureReport.Verification v;
      try {
        v =
            ErasureReport.verify(
                new io.meridian.cdp.privacy.PrivacyKeys(
                    io.meridian.cdp.local.activation.LocalSecretStore.forDataDir(options.data()),
                    io.meridian.cdp.privacy.PrivacyKeys::localRef),
                bytes);
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new IllegalStateException("cannot check " + file + ": " + e.getMessage());
      }
      if (!v.valid()) {
        throw new IllegalStateException("INVALID report " + file + ": " + v.problem());
      }
      spec.commandLine()
          .getOut()
          .println(
              "Valid: erasure report "
                  + v.requestId()
                  + " of tenant "
                  + v.tenant()
                  + " is signed by the tenant's privacy key.");
      return 0;
    }
  }
}
