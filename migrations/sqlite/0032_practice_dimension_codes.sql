-- Dimensions are typed above storage (domain/practice_dimensions.rs): only the four codes of the
-- charter are read from `practices.dimensions`. `practice_dimensions` (migration 0018) took any
-- text a remote server sent: keep only the four codes, backfill any practice whose rows are
-- missing from its JSON, and refuse other codes from now on. Keep in step with
-- migrations/postgres/0032_practice_dimension_codes.sql.
DELETE FROM practice_dimensions
WHERE dimension NOT IN ('sociale', 'economique', 'territoriale', 'environnementale');

INSERT OR IGNORE INTO practice_dimensions (practice_id, dimension)
SELECT p.id, json_extract(d.value, '$.dimension')
FROM practices p, json_each(CASE WHEN json_valid(p.dimensions) AND json_type(p.dimensions) = 'array'
                                 THEN p.dimensions ELSE '[]' END) d
WHERE d.type = 'object'
  AND json_extract(d.value, '$.dimension') IN ('sociale', 'economique', 'territoriale', 'environnementale');

-- SQLite cannot add a CHECK to an existing table: triggers refuse other codes instead.
CREATE TRIGGER practice_dimensions_code_insert BEFORE INSERT ON practice_dimensions
WHEN new.dimension NOT IN ('sociale', 'economique', 'territoriale', 'environnementale')
BEGIN
    SELECT RAISE(ABORT, 'practice_dimensions.dimension: not a dimension code');
END;
CREATE TRIGGER practice_dimensions_code_update BEFORE UPDATE OF dimension ON practice_dimensions
WHEN new.dimension NOT IN ('sociale', 'economique', 'territoriale', 'environnementale')
BEGIN
    SELECT RAISE(ABORT, 'practice_dimensions.dimension: not a dimension code');
END;
