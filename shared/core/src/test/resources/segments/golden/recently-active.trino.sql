SELECT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND ((p.last_seen >= ? AND p.last_seen <= ?))
-- parameters:
--   1: String acme
--   2: Instant 2026-10-21T12:00:00Z
--   3: Instant 2026-11-20T12:00:00Z
