SELECT DISTINCT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND (
    COALESCE(p.lifetime_revenue >= ?, FALSE)
    AND COALESCE(p.order_count > ?, FALSE))
-- parameters:
--   1: String acme
--   2: Double 500.0
--   3: Double 2.0
