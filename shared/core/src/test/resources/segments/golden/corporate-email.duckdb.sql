SELECT p.profile_id
FROM curated.profiles p
WHERE p.tenant = ?
  AND (
    (ends_with(lower(json_extract_string(p.traits, ?)), lower(?)))
    OR (strpos(json_extract_string(p.traits, ?), ?) > 0)
    OR (starts_with(json_extract_string(p.traits, ?), ?)))
-- parameters:
--   1: String acme
--   2: String /email
--   3: String @acme.example
--   4: String /email
--   5: String corp
--   6: String /company
--   7: String Acme
