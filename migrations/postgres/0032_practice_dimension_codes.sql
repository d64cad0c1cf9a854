-- Dimensions are typed above storage (domain/practice_dimensions.rs): only the four codes of the
-- charter are read from `practices.dimensions`. `practice_dimensions` (migration 0018) took any
-- text a remote server sent: keep only the four codes, backfill any practice whose rows are
-- missing from its JSON, and refuse other codes from now on. Keep in step with
-- migrations/sqlite/0032_practice_dimension_codes.sql.
DELETE FROM practice_dimensions
WHERE dimension NOT IN ('sociale', 'economique', 'territoriale', 'environnementale');

INSERT INTO practice_dimensions (practice_id, dimension)
SELECT DISTINCT p.id, d.value ->> 'dimension'
FROM practices p,
     jsonb_array_elements(CASE WHEN jsonb_typeof(p.dimensions::jsonb) = 'array'
                               THEN p.dimensions::jsonb ELSE '[]'::jsonb END) AS d (value)
WHERE jsonb_typeof(d.value) = 'object'
  AND d.value ->> 'dimension' IN ('sociale', 'economique', 'territoriale', 'environnementale')
ON CONFLICT DO NOTHING;

ALTER TABLE practice_dimensions ADD CONSTRAINT practice_dimensions_code
    CHECK (dimension IN ('sociale', 'economique', 'territoriale', 'environnementale'));

-- The catalogue's order, ties included, so that a walk of the newest practices reads the index
-- in order instead of sorting each run of equal dates (storage/practice_search.rs).
CREATE INDEX practices_catalogue_order ON practices (status, published_at, id);
