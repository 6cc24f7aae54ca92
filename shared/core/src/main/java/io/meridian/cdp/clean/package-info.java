/**
 * Raw to clean: every raw record is validated against the call schema, normalized (emails, phone
 * numbers in E.164, timestamps in UTC with clock-skew correction), de-duplicated by tenant and
 * messageId, and written to {@code clean.events} as ZSTD Parquet; what fails goes to {@code
 * quarantine.records} with a stable reason code. Nothing is dropped without being counted.
 */
package io.meridian.cdp.clean;
