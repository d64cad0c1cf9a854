-- Which local actor signs each activity (issue 11): 'instance', 'territory', 'editorial' or
-- 'signatory', with the ids already in territory_id and signatory_id. Delivery reads it
-- instead of reading each activity's JSON.
ALTER TABLE activities ADD COLUMN signer TEXT NOT NULL DEFAULT 'territory';
UPDATE activities SET signer = 'signatory' WHERE signatory_id IS NOT NULL;
UPDATE activities SET signer = 'instance' WHERE signatory_id IS NULL AND territory_id IS NULL;
-- The editorial actor authors practices: their Create, Update and Delete (the territory
-- announces them).
UPDATE activities SET signer = 'editorial'
 WHERE signatory_id IS NULL AND territory_id IS NOT NULL
   AND kind IN ('Create', 'Update', 'Delete') AND object_ap_id LIKE '%/practices/%';
