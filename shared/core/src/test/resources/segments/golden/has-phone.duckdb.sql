SELECT p.profile_id
FROM curated.profiles p
WHERE p.tenant = ?
  AND ((json_extract_string(p.traits, ?) IS NOT NULL))
-- parameters:
--   1: String acme
--   2: String /phone
