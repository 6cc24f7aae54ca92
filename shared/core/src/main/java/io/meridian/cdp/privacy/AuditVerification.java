package io.meridian.cdp.privacy;

import java.util.Optional;

/**
 * What {@link AuditLog#verify()} found: how many entries were checked, the last good sequence
 * number and hash, and the first problem if the chain is broken.
 */
public record AuditVerification(
    long entries, long lastSeq, String lastHash, Optional<Problem> problem) {

  public boolean intact() {
    return problem.isEmpty();
  }

  /**
   * The first bad entry: the object it is in, its line there (1-based), its sequence number when it
   * could be read (0 otherwise), and why.
   */
  public record Problem(String key, int line, long seq, String reason) {
    @Override
    public String toString() {
      return key
          + (line > 0 ? " line " + line : "")
          + (seq > 0 ? " (entry " + seq + ")" : "")
          + ": "
          + reason;
    }
  }
}
