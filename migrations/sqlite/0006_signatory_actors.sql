-- Listed signatories are ActivityPub actors (Organization / Person) with their own keys.
-- Keep in step with migrations/postgres/0006_signatory_actors.sql.
ALTER TABLE signatories ADD COLUMN public_key_pem TEXT;
ALTER TABLE signatories ADD COLUMN private_key_pem TEXT;
-- Activities authored by a signatory's actor (its Accepts, its Delete) are signed with its key.
ALTER TABLE activities ADD COLUMN signatory_id BIGINT;

CREATE TABLE signatory_followers (
    signatory_id BIGINT NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (signatory_id, actor_id)
);
