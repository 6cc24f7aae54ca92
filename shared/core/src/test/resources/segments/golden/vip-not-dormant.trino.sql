SELECT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND (
    (
      (p.lifetime_revenue >= ?)
      AND (p.order_count > ?))
    AND NOT (COALESCE(p.last_seen < ?, FALSE))
    AND (TRY_CAST(json_extract_scalar(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?), '$') AS BOOLEAN) = ?)
    AND (TRY_CAST(json_extract_scalar(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?), '$') AS DOUBLE) < ?))
-- parameters:
--   1: String acme
--   2: Double 500.0
--   3: Double 2.0
--   4: Instant 2026-08-22T12:00:00Z
--   5: String vip
--   6: Boolean true
--   7: String age
--   8: Double 65.0
