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

  /**
   * The lower-case hex SHA-256 of {@code bytes}: what the log records instead of a value that must
   * not be kept (a statement, a token, a config file).
   */
  static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  AuditEvent event(String action, String target, String outcome) {
    return new AuditEvent(actor(), action, target, reason, outcome, null);
  }
}
