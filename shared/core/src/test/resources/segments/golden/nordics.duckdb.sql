SELECT p.profile_id
FROM curated.profiles p
WHERE p.tenant = ?
  AND (lower(json_extract_string(p.traits, ?)) IN (lower(?), lower(?), lower(?), lower(?)))
-- parameters:
--   1: String acme
--   2: String /address/country
--   3: String SE
--   4: String NO
--   5: String DK
--   6: String FI
