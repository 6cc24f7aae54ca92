SELECT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND NOT (p.profile_id IN (SELECT g.profile_id
      FROM cdp_clean.events e
      JOIN cdp_curated.event_identifiers i ON i.tenant = e.tenant AND i.message_id = e.message_id
      JOIN cdp_curated.identity_graph g ON g.tenant = i.tenant AND g.identifier_type = i.identifier_type AND g.identifier = i.identifier
      WHERE e.tenant = ? AND i.tenant = ? AND g.tenant = ?
      AND e.type = 'track' AND e.event = ?
      GROUP BY g.profile_id HAVING count(*) >= ?))
-- parameters:
--   1: String acme
--   2: String acme
--   3: String acme
--   4: String acme
--   5: String Order Completed
--   6: Long 1
