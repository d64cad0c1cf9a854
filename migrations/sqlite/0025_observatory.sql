-- The observatory (issue 13). Keep in step with migrations/postgres/0025_observatory.sql.
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

CREATE TRIGGER observatory_practice_insert AFTER INSERT ON practices BEGIN
    INSERT INTO observatory_origins (origin, territory_id) VALUES (NEW.origin_actor, NEW.territory_id)
    ON CONFLICT (origin) DO UPDATE SET version = observatory_origins.version + 1;
END;
CREATE TRIGGER observatory_practice_update AFTER UPDATE ON practices BEGIN
    INSERT INTO observatory_origins (origin, territory_id) VALUES (NEW.origin_actor, NEW.territory_id)
    ON CONFLICT (origin) DO UPDATE SET version = observatory_origins.version + 1;
END;
CREATE TRIGGER observatory_practice_delete AFTER DELETE ON practices BEGIN
    UPDATE observatory_origins SET version = version + 1 WHERE origin = OLD.origin_actor;
END;
CREATE TRIGGER observatory_action_insert AFTER INSERT ON actions BEGIN
    INSERT INTO observatory_origins (origin, territory_id) VALUES (NEW.origin_actor, NEW.territory_id)
    ON CONFLICT (origin) DO UPDATE SET version = observatory_origins.version + 1;
END;
CREATE TRIGGER observatory_action_update AFTER UPDATE ON actions BEGIN
    INSERT INTO observatory_origins (origin, territory_id) VALUES (NEW.origin_actor, NEW.territory_id)
    ON CONFLICT (origin) DO UPDATE SET version = observatory_origins.version + 1;
END;
CREATE TRIGGER observatory_action_delete AFTER DELETE ON actions BEGIN
    UPDATE observatory_origins SET version = version + 1 WHERE origin = OLD.origin_actor;
END;
CREATE TRIGGER observatory_participant_insert AFTER INSERT ON action_participants BEGIN
    UPDATE observatory_origins SET version = version + 1
    WHERE origin = (SELECT origin_actor FROM actions WHERE id = NEW.action_id);
END;
CREATE TRIGGER observatory_participant_update AFTER UPDATE ON action_participants BEGIN
    UPDATE observatory_origins SET version = version + 1
    WHERE origin = (SELECT origin_actor FROM actions WHERE id = NEW.action_id);
END;
CREATE TRIGGER observatory_participant_delete AFTER DELETE ON action_participants BEGIN
    UPDATE observatory_origins SET version = version + 1
    WHERE origin = (SELECT origin_actor FROM actions WHERE id = OLD.action_id);
END;
-- Signatories are local: their territory's origin row is made by the refresher (it knows the
-- territory's actor URL); a change before that is counted when the row is made.
CREATE TRIGGER observatory_signatory_insert AFTER INSERT ON signatories BEGIN
    UPDATE observatory_origins SET version = version + 1 WHERE territory_id = NEW.territory_id;
END;
CREATE TRIGGER observatory_signatory_update AFTER UPDATE ON signatories BEGIN
    UPDATE observatory_origins SET version = version + 1 WHERE territory_id = NEW.territory_id;
END;
CREATE TRIGGER observatory_signatory_delete AFTER DELETE ON signatories BEGIN
    UPDATE observatory_origins SET version = version + 1 WHERE territory_id = OLD.territory_id;
END;

-- Backfill from the JSON already stored (an array of `{dimension, text, indicators}`).
INSERT OR IGNORE INTO practice_indicators (practice_id, position, dimension, reference_id, label, value, unit, period)
SELECT p.id, d.key * 1000 + i.key, json_extract(d.value, '$.dimension'),
       json_extract(i.value, '$."cces:indicator"'), COALESCE(json_extract(i.value, '$.name'), ''),
       json_extract(i.value, '$.value'), COALESCE(json_extract(i.value, '$.unit'), ''),
       COALESCE(json_extract(i.value, '$.period'), '')
FROM practices p,
     json_each(CASE WHEN json_valid(p.dimensions) AND json_type(p.dimensions) = 'array'
                    THEN p.dimensions ELSE '[]' END) d,
     json_each(CASE WHEN d.type = 'object' AND json_type(d.value, '$.indicators') = 'array'
                    THEN json_extract(d.value, '$.indicators') ELSE '[]' END) i
WHERE json_type(d.value, '$.dimension') = 'text' AND i.type = 'object'
  AND json_type(i.value, '$.value') IN ('integer', 'real');

INSERT OR IGNORE INTO observatory_origins (origin, territory_id)
SELECT origin_actor, MAX(territory_id) FROM practices GROUP BY origin_actor;
INSERT OR IGNORE INTO observatory_origins (origin, territory_id)
SELECT origin_actor, MAX(territory_id) FROM actions GROUP BY origin_actor;
