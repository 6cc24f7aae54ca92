package io.meridian.cdp.privacy;

import java.time.Instant;

/**
 * One line of the audit log: the event, its sequence number (1, 2, ...), when it was recorded, the
 * hash of the previous entry ({@link AuditLog#GENESIS} for the first) and its own hash, the SHA-256
 * of its canonical JSON without the {@code hash} field.
 */
public record AuditEntry(long seq, Instant time, AuditEvent event, String prev, String hash) {}
