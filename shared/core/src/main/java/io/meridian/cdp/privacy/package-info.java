/**
 * Privacy: detection of personal data in free text ({@link io.meridian.cdp.privacy.PiiDetector},
 * {@link io.meridian.cdp.privacy.PiiScanner} for JSON documents); the classification of declared
 * personal data ({@link io.meridian.cdp.privacy.PiiFields}) and each tenant's PII policy ({@link
 * io.meridian.cdp.privacy.PiiPolicy}), applied to clean rows by {@link
 * io.meridian.cdp.privacy.PiiProtection} with hashes and tokens of {@link
 * io.meridian.cdp.privacy.PiiCodec} under keys from {@link io.meridian.cdp.privacy.PiiKeys}; and
 * the tamper-evident audit log of privileged actions ({@link io.meridian.cdp.privacy.AuditLog}, a
 * SHA-256 hash chain in JSON Lines through the {@link io.meridian.cdp.lake.ObjectStore} port).
 * Nothing here logs or returns a detected value in clear. Documented in docs/PRIVACY.md and ADRs
 * 0018–0020.
 */
package io.meridian.cdp.privacy;
