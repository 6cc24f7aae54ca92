SELECT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND (TRY(from_iso8601_timestamp(json_extract_scalar(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?), '$'))) > ?)
-- parameters:
--   1: String acme
--   2: String signed_up_at
--   3: Instant 2026-01-01T00:00:00Z
