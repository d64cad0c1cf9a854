-- A follow of a listed signatory's actor from a limited domain waits for a moderator (issue 15,
-- point 5), as one of a territory does: its state, `accepted` for every follow made so far.
-- Keep in step with migrations/sqlite/0036_signatory_follow_state.sql.
ALTER TABLE signatory_followers ADD COLUMN state TEXT NOT NULL DEFAULT 'accepted';
