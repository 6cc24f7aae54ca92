SELECT p.profile_id
FROM cdp_curated.profiles p
WHERE p.tenant = ?
  AND ((COALESCE(json_format(element_at(TRY_CAST(json_parse(p.traits) AS MAP(VARCHAR, JSON)), ?)) <> 'null', FALSE)))
-- parameters:
--   1: String acme
--   2: String phone
