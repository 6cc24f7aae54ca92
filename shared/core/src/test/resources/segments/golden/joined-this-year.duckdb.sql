SELECT p.profile_id
FROM curated.profiles p
WHERE p.tenant = ?
  AND (TRY_CAST(json_extract_string(p.traits, ?) AS TIMESTAMPTZ) > ?)
-- parameters:
--   1: String acme
--   2: String /signed_up_at
--   3: Instant 2026-01-01T00:00:00Z
