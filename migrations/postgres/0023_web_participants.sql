-- People joining a shared action from its page (issue 12, point 6): name and email, confirmed
-- by mail (double opt-in, `token_hash` holds the confirmation token's hash), then managed
-- (cancelled) through a private link. One participation per address and action.
-- Same schema in migrations/sqlite and migrations/postgres.
ALTER TABLE action_participants ADD COLUMN manage_hash TEXT;
ALTER TABLE action_participants ADD COLUMN confirm_before BIGINT;
-- The language the person wrote in: later mails (cancellation, new dates) speak it.
ALTER TABLE action_participants ADD COLUMN lang TEXT NOT NULL DEFAULT 'fr';
-- Friendica-style RSVP `TentativeAccept`: counted apart from firm participants (0/1).
ALTER TABLE action_participants ADD COLUMN tentative BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX action_participants_email ON action_participants (action_id, email);
CREATE UNIQUE INDEX action_participants_manage ON action_participants (manage_hash);
CREATE UNIQUE INDEX action_participants_confirm ON action_participants (token_hash);
