SELECT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND (json_extract_scalar(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?), '$') = ?)
-- parameters:
--   1: String acme
--   2: String plan
--   3: String pro
