/**
 * Accounting: every stage records, per unit of work, how many records came in and where each one
 * went (output, quarantine by reason, duplicate), so that input always equals the sum of outcomes.
 * The records are stored as JSON in the lake under {@code _ops/accounting/} and exposed as the
 * {@code ops.accounting} table.
 */
package io.meridian.cdp.accounting;
