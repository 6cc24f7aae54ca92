SELECT p.profile_id
FROM curated.profiles p
WHERE p.tenant = ?
  AND (json_extract_string(p.traits, ?) = ?)
-- parameters:
--   1: String acme
--   2: String /plan
--   3: String pro
