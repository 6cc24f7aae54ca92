/**
 * Privacy: detection of personal data in free text ({@link io.meridian.cdp.privacy.PiiDetector},
 * {@link io.meridian.cdp.privacy.PiiScanner} for JSON documents) and the tamper-evident audit log
 * of privileged actions ({@link io.meridian.cdp.privacy.AuditLog}, a SHA-256 hash chain in JSON
 * Lines through the {@link io.meridian.cdp.lake.ObjectStore} port). Nothing here logs or returns a
 * detected value in clear. Documented in docs/PRIVACY.md and ADR 0018.
 */
package io.meridian.cdp.privacy;
