-- The dimensions a practice documents, one row each, so that the catalogue filters on them with
-- an index instead of `dimensions LIKE '%"dimension":"x"%'` over the JSON (issue 11). Kept in
-- step with `practices.dimensions` by storage/practices.rs, in the transaction that writes the
-- practice. Keep in step with migrations/sqlite/0018_practice_dimensions.sql.
CREATE TABLE practice_dimensions (
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,
    PRIMARY KEY (practice_id, dimension)
);
CREATE INDEX practice_dimensions_dimension ON practice_dimensions (dimension, practice_id);

-- Backfill from the JSON already stored (an array of `{dimension, text, indicators}`).
INSERT INTO practice_dimensions (practice_id, dimension)
SELECT DISTINCT p.id, d.value ->> 'dimension'
FROM practices p,
     jsonb_array_elements(CASE WHEN jsonb_typeof(p.dimensions::jsonb) = 'array'
                               THEN p.dimensions::jsonb ELSE '[]'::jsonb END) AS d (value)
WHERE jsonb_typeof(d.value) = 'object' AND jsonb_typeof(d.value -> 'dimension') = 'string'
ON CONFLICT DO NOTHING;
