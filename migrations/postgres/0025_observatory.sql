-- The observatory (issue 13). Keep in step with migrations/sqlite/0025_observatory.sql.
--
-- practice_indicators: each indicator of `practices.dimensions` (the JSON stays the source of
-- truth and what federates) as a row, so that reference indicators add up in SQL-sized steps.
-- Kept in step by storage/observatory.rs in the transaction that writes the practice.
CREATE TABLE practice_indicators (
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    -- Order in the practice: dimension index * 1000 + indicator index.
    position BIGINT NOT NULL,
    dimension TEXT NOT NULL,
    -- `cces:indicator/<slug>` (docs/indicators.md), given or mapped by a moderator; NULL: free.
    reference_id TEXT,
    label TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    period TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (practice_id, position)
);
CREATE INDEX practice_indicators_reference ON practice_indicators (reference_id, practice_id);

-- A moderator's mapping of a free indicator (its label, lowercased, and unit) to a reference
-- one: applied to local and received practices alike when their indicators are stored.
CREATE TABLE indicator_mappings (
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    reference_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (label, unit)
);

-- Every origin (a territory actor, local or remote) whose figures are kept, with a dirty
-- counter: triggers below bump `version` in the transaction of any change to its data; the
-- background refresher recomputes the origin's figures and records the version it saw.
CREATE TABLE observatory_origins (
    origin TEXT PRIMARY KEY,
    -- The local territory; NULL for a remote one.
    territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    version BIGINT NOT NULL DEFAULT 1,
    computed_version BIGINT NOT NULL DEFAULT 0,
    computed_at BIGINT,
    -- Remote origins: when their latest practice or action was received.
    received_at BIGINT
);
CREATE INDEX observatory_origins_territory ON observatory_origins (territory_id);

-- The figures: one row per origin, figure, key and period (domain/observatory.rs).
CREATE TABLE observatory_figures (
    origin TEXT NOT NULL REFERENCES observatory_origins (origin) ON DELETE CASCADE,
    figure TEXT NOT NULL,
    key TEXT NOT NULL,
    period TEXT NOT NULL,
    total DOUBLE PRECISION NOT NULL,
    n BIGINT NOT NULL,
    -- JSON `[{id, title}]`: the first sources (practices, actions) of the figure.
    sources TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (origin, figure, key, period)
);

CREATE INDEX actions_origin ON actions (origin_actor);

CREATE FUNCTION observatory_touch(o TEXT, t BIGINT) RETURNS void AS $$
BEGIN
    INSERT INTO observatory_origins (origin, territory_id) VALUES (o, t)
    ON CONFLICT (origin) DO UPDATE SET version = observatory_origins.version + 1;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION observatory_source_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE observatory_origins SET version = version + 1 WHERE origin = OLD.origin_actor;
    ELSE
        PERFORM observatory_touch(NEW.origin_actor, NEW.territory_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION observatory_participant_changed() RETURNS trigger AS $$
DECLARE a BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN a := OLD.action_id; ELSE a := NEW.action_id; END IF;
    UPDATE observatory_origins SET version = version + 1
    WHERE origin = (SELECT origin_actor FROM actions WHERE id = a);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Signatories are local: their territory's origin row is made by the refresher (it knows the
-- territory's actor URL); a change before that is counted when the row is made.
CREATE FUNCTION observatory_signatory_changed() RETURNS trigger AS $$
DECLARE t BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN t := OLD.territory_id; ELSE t := NEW.territory_id; END IF;
    UPDATE observatory_origins SET version = version + 1 WHERE territory_id = t;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER observatory_practice_changed AFTER INSERT OR UPDATE OR DELETE ON practices
    FOR EACH ROW EXECUTE FUNCTION observatory_source_changed();
CREATE TRIGGER observatory_action_changed AFTER INSERT OR UPDATE OR DELETE ON actions
    FOR EACH ROW EXECUTE FUNCTION observatory_source_changed();
CREATE TRIGGER observatory_participant_changed AFTER INSERT OR UPDATE OR DELETE ON action_participants
    FOR EACH ROW EXECUTE FUNCTION observatory_participant_changed();
CREATE TRIGGER observatory_signatory_changed AFTER INSERT OR UPDATE OR DELETE ON signatories
    FOR EACH ROW EXECUTE FUNCTION observatory_signatory_changed();

-- Backfill from the JSON already stored (an array of `{dimension, text, indicators}`).
INSERT INTO practice_indicators (practice_id, position, dimension, reference_id, label, value, unit, period)
SELECT p.id, (d.ord - 1) * 1000 + (i.ord - 1), d.value ->> 'dimension', i.value ->> 'cces:indicator',
       COALESCE(i.value ->> 'name', ''), (i.value ->> 'value')::DOUBLE PRECISION,
       COALESCE(i.value ->> 'unit', ''), COALESCE(i.value ->> 'period', '')
FROM practices p,
     jsonb_array_elements(CASE WHEN jsonb_typeof(p.dimensions::jsonb) = 'array'
                               THEN p.dimensions::jsonb ELSE '[]'::jsonb END) WITH ORDINALITY AS d (value, ord),
     jsonb_array_elements(CASE WHEN jsonb_typeof(d.value) = 'object' AND jsonb_typeof(d.value -> 'indicators') = 'array'
                               THEN d.value -> 'indicators' ELSE '[]'::jsonb END) WITH ORDINALITY AS i (value, ord)
WHERE jsonb_typeof(d.value -> 'dimension') = 'string' AND jsonb_typeof(i.value) = 'object'
  AND jsonb_typeof(i.value -> 'value') = 'number'
ON CONFLICT DO NOTHING;

INSERT INTO observatory_origins (origin, territory_id)
SELECT origin_actor, MAX(territory_id) FROM practices GROUP BY origin_actor
ON CONFLICT DO NOTHING;
INSERT INTO observatory_origins (origin, territory_id)
SELECT origin_actor, MAX(territory_id) FROM actions GROUP BY origin_actor
ON CONFLICT DO NOTHING;
