/**
 * Identity resolution and unified profiles — the curated zone's first two steps. {@link
 * io.meridian.cdp.identity.ResolveIdentities} links each tenant's new clean events into its {@link
 * io.meridian.cdp.identity.IdentityGraph} in receipt order under the tenant's {@link
 * io.meridian.cdp.identity.IdentityRules} (identifier types, limits, blocked values,
 * normalization); {@link io.meridian.cdp.identity.BuildProfiles} folds events into commutative
 * profile aggregates (and, for DuckDB runs of segments, the {@link
 * io.meridian.cdp.identity.AudienceTraits} they read). Both write a new snapshot per run through
 * {@link io.meridian.cdp.identity.CuratedStore} and switch the tenant's pointer atomically; the
 * table schemas are in {@link io.meridian.cdp.identity.CuratedTables}. docs/IDENTITY.md explains
 * the guarantees.
 */
package io.meridian.cdp.identity;
