SELECT CAST(? AS VARCHAR) AS segment_id, m.profile_id, COALESCE(o.entered_at, CAST(? AS timestamp)) AS entered_at
FROM (
SELECT p.profile_id
FROM (SELECT * FROM cdp_curated.profiles WHERE tenant = 'acme' AND snapshot = 12) p
WHERE p.tenant = ?
  AND p.profile_id IN (SELECT g.profile_id
    FROM cdp_clean.events e
    JOIN cdp_curated.event_identifiers i ON i.tenant = e.tenant AND i.message_id = e.message_id
    JOIN (SELECT * FROM cdp_curated.identity_graph WHERE tenant = 'acme' AND snapshot = 7) g ON g.tenant = i.tenant AND g.identifier_type = i.identifier_type AND g.identifier = i.identifier
    WHERE e.tenant = ? AND i.tenant = ? AND g.tenant = ?
    AND e.type = 'track' AND e.event = ?
    AND e.timestamp >= ? AND e.timestamp <= ?
    AND (TRY_CAST(json_extract_scalar(element_at(TRY_CAST(json_parse(e.properties) AS MAP(VARCHAR, JSON)), ?), '$') AS DOUBLE) > ?)
    AND (lower(json_extract_scalar(element_at(TRY_CAST(json_parse(e.properties) AS MAP(VARCHAR, JSON)), ?), '$')) = lower(?))
    GROUP BY g.profile_id HAVING count(*) >= ?)
) m
LEFT JOIN (SELECT segment_id, profile_id, entered_at FROM (SELECT * FROM cdp_curated.segment_membership WHERE tenant = 'acme' AND snapshot = 3) s) o
  ON o.segment_id = ? AND o.profile_id = m.profile_id
-- parameters:
--   1: String repeat-buyers
--   2: Instant 2026-11-20T12:00:00Z
--   3: String acme
--   4: String acme
--   5: String acme
--   6: String acme
--   7: String Order Completed
--   8: Instant 2026-08-22T12:00:00Z
--   9: Instant 2026-11-20T12:00:00Z
--   10: String total
--   11: Double 100.0
--   12: String currency
--   13: String usd
--   14: Long 2
--   15: String repeat-buyers
