/**
 * Tenants (the ISV's client companies), their sources, and the write keys that route events to
 * them. The configuration lives in {@code cdp.yaml}; write keys are stored only as SHA-256 hashes,
 * and every tenant or source id is validated before it can become part of a lake path.
 */
package io.meridian.cdp.tenant;
