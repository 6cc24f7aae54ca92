SELECT CAST(? AS VARCHAR) AS segment_id, m.profile_id, COALESCE(o.entered_at, CAST(? AS timestamp)) AS entered_at
FROM (
SELECT p.profile_id
FROM (SELECT * FROM cdp_curated.profiles WHERE tenant = 'acme' AND snapshot = 1) p
WHERE p.tenant = ?
  AND (
    (p.lifetime_revenue >= ?)
    AND (p.order_count > ?))
) m
LEFT JOIN (SELECT CAST(NULL AS VARCHAR) AS segment_id, CAST(NULL AS VARCHAR) AS profile_id, CAST(NULL AS timestamp) AS entered_at WHERE false) o
  ON o.segment_id = ? AND o.profile_id = m.profile_id
-- parameters:
--   1: String big-spenders
--   2: Instant 2026-11-20T12:00:00Z
--   3: String acme
--   4: Double 500.0
--   5: Double 2.0
--   6: String big-spenders
