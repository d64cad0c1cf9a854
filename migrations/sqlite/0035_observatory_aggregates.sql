-- The observatory's aggregates over the network (issue 13, points 2 and 9). Keep in step with
-- migrations/postgres/0035_observatory_aggregates.sql.
--
-- Local origins: the version of the figures last sent to followers as the territory's
-- `cces:Aggregate` (Create, then Update), when, and a digest of what was sent (a recount that
-- changes nothing sends nothing).
ALTER TABLE observatory_origins ADD COLUMN aggregate_sent_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE observatory_origins ADD COLUMN aggregate_sent_at BIGINT;
ALTER TABLE observatory_origins ADD COLUMN aggregate_digest TEXT;
-- Remote origins: when their own aggregate was last received (then their figures are that
-- aggregate and the refresher no longer recomputes them from their practices and actions),
-- and the `updated` it carried (an older one arriving late is ignored).
ALTER TABLE observatory_origins ADD COLUMN aggregate_received_at BIGINT;
ALTER TABLE observatory_origins ADD COLUMN aggregate_updated BIGINT;

-- An evaluation of a shared action counts in its organiser's figures (its indicators).
CREATE TRIGGER observatory_evaluation_insert AFTER INSERT ON action_evaluations BEGIN
    INSERT INTO observatory_origins (origin, territory_id) VALUES (NEW.organizer, NEW.territory_id)
    ON CONFLICT (origin) DO UPDATE SET version = observatory_origins.version + 1;
END;
CREATE TRIGGER observatory_evaluation_update AFTER UPDATE ON action_evaluations BEGIN
    INSERT INTO observatory_origins (origin, territory_id) VALUES (NEW.organizer, NEW.territory_id)
    ON CONFLICT (origin) DO UPDATE SET version = observatory_origins.version + 1;
END;
CREATE TRIGGER observatory_evaluation_delete AFTER DELETE ON action_evaluations BEGIN
    UPDATE observatory_origins SET version = version + 1 WHERE origin = OLD.organizer;
END;
