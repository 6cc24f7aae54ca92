SELECT p.profile_id
FROM curated.profiles p
WHERE p.tenant = ?
  AND p.profile_id IN (SELECT g.profile_id
    FROM clean.events e
    JOIN curated.event_identifiers i ON i.tenant = e.tenant AND i.message_id = e.message_id
    JOIN curated.identity_graph g ON g.tenant = i.tenant AND g.identifier_type = i.identifier_type AND g.identifier = i.identifier
    WHERE e.tenant = ? AND i.tenant = ? AND g.tenant = ?
    AND e.type = 'track' AND e.event = ?
    AND e.timestamp >= ? AND e.timestamp <= ?
    AND (TRY_CAST(json_extract_string(e.properties, ?) AS DOUBLE) > ?)
    AND (lower(json_extract_string(e.properties, ?)) = lower(?))
    GROUP BY g.profile_id HAVING count(*) >= ?)
-- parameters:
--   1: String acme
--   2: String acme
--   3: String acme
--   4: String acme
--   5: String Order Completed
--   6: Instant 2026-08-22T12:00:00Z
--   7: Instant 2026-11-20T12:00:00Z
--   8: String /total
--   9: Double 100.0
--   10: String /currency
--   11: String usd
--   12: Long 2
