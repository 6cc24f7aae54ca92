SELECT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND (lower(json_extract_scalar(element_at(TRY_CAST(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?) AS MAP(VARCHAR, JSON)), ?), '$')) IN (lower(?), lower(?), lower(?), lower(?)))
-- parameters:
--   1: String acme
--   2: String address
--   3: String country
--   4: String SE
--   5: String NO
--   6: String DK
--   7: String FI
