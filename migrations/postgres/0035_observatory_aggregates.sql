-- The observatory's aggregates over the network (issue 13, points 2 and 9). Keep in step with
-- migrations/sqlite/0035_observatory_aggregates.sql (comments there).
ALTER TABLE observatory_origins ADD COLUMN aggregate_sent_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE observatory_origins ADD COLUMN aggregate_sent_at BIGINT;
ALTER TABLE observatory_origins ADD COLUMN aggregate_digest TEXT;
ALTER TABLE observatory_origins ADD COLUMN aggregate_received_at BIGINT;
ALTER TABLE observatory_origins ADD COLUMN aggregate_updated BIGINT;

-- An evaluation of a shared action counts in its organiser's figures (its indicators).
CREATE FUNCTION observatory_evaluation_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE observatory_origins SET version = version + 1 WHERE origin = OLD.organizer;
    ELSE
        PERFORM observatory_touch(NEW.organizer, NEW.territory_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER observatory_evaluation_changed AFTER INSERT OR UPDATE OR DELETE ON action_evaluations
    FOR EACH ROW EXECUTE FUNCTION observatory_evaluation_changed();
