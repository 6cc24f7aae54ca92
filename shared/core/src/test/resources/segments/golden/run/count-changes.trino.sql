SELECT count(*) FILTER (WHERE c.change = 'entered') AS entered, count(*) FILTER (WHERE c.change = 'exited') AS exited
FROM (
SELECT COALESCE(n.segment_id, o.segment_id) AS segment_id, COALESCE(n.profile_id, o.profile_id) AS profile_id,
  CASE WHEN o.profile_id IS NULL THEN 'entered' ELSE 'exited' END AS change, CAST(? AS timestamp) AS changed_at, CAST(? AS VARCHAR) AS run_id
FROM (SELECT segment_id, profile_id, entered_at FROM (SELECT * FROM cdp_curated.segment_membership WHERE tenant = 'acme' AND snapshot = 4) s) n
FULL OUTER JOIN (SELECT segment_id, profile_id, entered_at FROM (SELECT * FROM cdp_curated.segment_membership WHERE tenant = 'acme' AND snapshot = 3) s) o
  ON o.segment_id = n.segment_id AND o.profile_id = n.profile_id
WHERE n.profile_id IS NULL OR o.profile_id IS NULL
) c
-- parameters:
--   1: Instant 2026-11-20T12:00:00Z
--   2: String 000004-20261120T120000Z
