-- How practices read in other programs (issue 16): hashtags compared case-insensitively,
-- practices pinned to a territory's `featured` collection, and the software of remote hosts
-- (NodeInfo), which decides the shape each receives.
-- Keep in step with migrations/postgres/0010_interop_posts.sql.

-- Lowercase keys of `tags` (`,`-separated), computed by the application: `tags` keeps the
-- hashtags as written (`CircuitCourt`), this column is what the tag filter compares.
ALTER TABLE practices ADD COLUMN tag_keys TEXT NOT NULL DEFAULT '';
UPDATE practices SET tag_keys = LOWER(tags);

-- Pinned by a moderator (shown first in the territory's `featured` collection); NULL when not.
ALTER TABLE practices ADD COLUMN pinned_at BIGINT;
CREATE INDEX practices_pinned ON practices (territory_id, pinned_at);

-- NodeInfo `software.name` of a remote host (lowercase), and when it was last asked.
ALTER TABLE hosts ADD COLUMN software TEXT;
ALTER TABLE hosts ADD COLUMN software_checked_at BIGINT;
