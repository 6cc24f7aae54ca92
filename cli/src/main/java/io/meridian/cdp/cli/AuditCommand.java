package io.meridian.cdp.cli;

import io.meridian.cdp.privacy.AuditEntry;
import io.meridian.cdp.privacy.AuditVerification;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "The tamper-evident audit log of privileged actions (lake/_audit/, a SHA-256 hash chain;"
            + " docs/PRIVACY.md).",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Log.class})
final class AuditCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Walk the hash chain. Exit 0 when intact; exit 1 naming the first bad entry (object,"
              + " line, entry number and why) when it was tampered with.")
  static final class Verify implements Callable<Integer> {
    @Mixin Options options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalRuntime rt = LocalRuntime.open(options, out)) {
        AuditVerification v = rt.audit().verify();
        if (v.intact()) {
          out.printf(
              "Audit log intact: %d entries, last entry %d, hash %s%n",
              v.entries(), v.lastSeq(), v.lastHash());
          return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
            "Audit log NOT intact at %s (%d entries before it verified)%n",
            v.problem().orElseThrow(), v.entries());
        err.flush();
        return 1;
      }
    }
  }

  @Command(
      name = "log",
      mixinStandardHelpOptions = true,
      description = "Print the recorded actions, oldest first.")
  static final class Log implements Callable<Integer> {
    @Mixin Options options;
    @Spec CommandSpec spec;

    @Option(
        names = "--since",
        paramLabel = "WHEN",
        description = "Only entries at or after this day (2026-11-24) or instant (ISO-8601)")
    String since;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Instant from = parseSince(since);
      try (LocalRuntime rt = LocalRuntime.open(options, out)) {
        List<AuditEntry> entries = rt.audit().read(from);
        out.printf(
            "%6s  %-24s  %-16s  %-18s  %-24s  %-8s  %s%n",
            "seq", "time", "actor", "action", "target", "outcome", "reason / details");
        for (AuditEntry e : entries) {
          String details = e.event().details().isEmpty() ? "" : " " + e.event().details();
          out.printf(
              "%6d  %-24s  %-16s  %-18s  %-24s  %-8s  %s%s%n",
              e.seq(),
              e.time(),
              e.event().actor(),
              e.event().action(),
              e.event().target(),
              e.event().outcome(),
              e.event().reason(),
              details);
        }
        out.flush();
        return 0;
      }
    }

    private static Instant parseSince(String since) {
      if (since == null) {
        return Instant.EPOCH;
      }
      try {
        return since.length() == 10
            ? LocalDate.parse(since).atStartOfDay(ZoneOffset.UTC).toInstant()
            : Instant.parse(since);
      } catch (DateTimeParseException e) {
        throw new Cdp.UserError(
            "--since must be a day like 2026-11-24 or an instant like 2026-11-24T10:00:00Z, not '"
                + since
                + "'");
      }
    }
  }
}
