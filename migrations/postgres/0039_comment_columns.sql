-- One shape for the three comment tables (issue 11: one conversation store,
-- src/storage/comments.rs): the columns practice comments have, the others get, empty. Keep in
-- step with migrations/sqlite/0039_comment_columns.sql.

-- The local territory that wrote it (today only practices are commented from here).
ALTER TABLE announcement_comments ADD COLUMN local_territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE;
ALTER TABLE action_comments ADD COLUMN local_territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE;
-- The territory's `Announce` of it (action comments are not relayed today: always NULL).
ALTER TABLE action_comments ADD COLUMN announce_ap_id TEXT;
