-- Welcome notes for new signatories, and what withdrawal must retract.
-- Keep in step with migrations/postgres/0005_signatory_rights.sql.
ALTER TABLE territories ADD COLUMN welcome_notes BIGINT NOT NULL DEFAULT 1;
ALTER TABLE signatories ADD COLUMN welcome_note_ap_id TEXT;
