-- The dimensions a practice documents, one row each, so that the catalogue filters on them with
-- an index instead of `dimensions LIKE '%"dimension":"x"%'` over the JSON (issue 11). Kept in
-- step with `practices.dimensions` by storage/practices.rs, in the transaction that writes the
-- practice. Keep in step with migrations/postgres/0018_practice_dimensions.sql.
CREATE TABLE practice_dimensions (
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,
    PRIMARY KEY (practice_id, dimension)
);
CREATE INDEX practice_dimensions_dimension ON practice_dimensions (dimension, practice_id);

-- Backfill from the JSON already stored (an array of `{dimension, text, indicators}`).
INSERT OR IGNORE INTO practice_dimensions (practice_id, dimension)
SELECT p.id, json_extract(d.value, '$.dimension')
FROM practices p, json_each(CASE WHEN json_valid(p.dimensions) AND json_type(p.dimensions) = 'array'
                                 THEN p.dimensions ELSE '[]' END) d
WHERE d.type = 'object' AND json_type(d.value, '$.dimension') = 'text';
