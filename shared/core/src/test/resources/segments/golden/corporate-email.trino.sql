SELECT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND (
    (substr(lower(json_extract_scalar(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?), '$')), -length(lower(?))) = lower(?) AND length(lower(?)) > 0)
    OR (strpos(json_extract_scalar(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?), '$'), ?) > 0)
    OR (starts_with(json_extract_scalar(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?), '$'), ?)))
-- parameters:
--   1: String acme
--   2: String email
--   3: String @acme.example
--   4: String @acme.example
--   5: String @acme.example
--   6: String email
--   7: String corp
--   8: String company
--   9: String Acme
