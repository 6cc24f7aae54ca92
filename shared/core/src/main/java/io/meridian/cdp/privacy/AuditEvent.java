package io.meridian.cdp.privacy;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A privileged action to record: who did it ({@code actor}, e.g. {@code local:alice}), what ({@code
 * action}, e.g. {@code tenants.add}), on what ({@code target}, e.g. {@code tenant:acme}), why
 * ({@code reason}, may be empty), how it ended ({@code outcome}: {@code success}, {@code failure}
 * or {@code denied}), and small details (never a secret or a personal value).
 */
public record AuditEvent(
    String actor,
    String action,
    String target,
    String reason,
    String outcome,
    Map<String, String> details) {
  public AuditEvent {
    requireText("actor", actor);
    requireText("action", action);
    requireText("target", target);
    reason = reason == null ? "" : reason;
    if (!"success".equals(outcome) && !"failure".equals(outcome) && !"denied".equals(outcome)) {
      throw new IllegalArgumentException(
          "audit outcome must be success, failure or denied, not '" + outcome + "'");
    }
    details = details == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(details));
  }

  public static AuditEvent success(String actor, String action, String target, String reason) {
    return new AuditEvent(actor, action, target, reason, "success", Map.of());
  }

  /** The same event with one more detail. */
  public AuditEvent with(String key, String value) {
    Map<String, String> more = new TreeMap<>(details);
    more.put(key, value);
    return new AuditEvent(actor, action, target, reason, outcome, more);
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("audit " + name + " must not be blank");
    }
  }
}
