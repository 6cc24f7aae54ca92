package io.meridian.cdp.cli;

import io.meridian.cdp.privacy.AuditEvent;
import picocli.CommandLine.Option;

/** The options of a command whose use is recorded in the audit log. */
final class AuditOptions {
  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why (recorded in the audit log with who, what and when), e.g. a ticket id")
  String reason;

  /** Who is at the keyboard, as recorded: {@code local:<OS user>}. */
  static String actor() {
    String user = System.getProperty("user.name");
    return "local:" + (user == null || user.isBlank() ? "unknown" : user);
  }

  AuditEvent event(String action, String target, String outcome) {
    return new AuditEvent(actor(), action, target, reason, outcome, null);
  }
}
