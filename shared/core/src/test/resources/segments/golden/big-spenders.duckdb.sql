SELECT p.profile_id
FROM curated.profiles p
WHERE p.tenant = ?
  AND (
    (p.lifetime_revenue >= ?)
    AND (p.order_count > ?))
-- parameters:
--   1: String acme
--   2: Double 500.0
--   3: Double 2.0
