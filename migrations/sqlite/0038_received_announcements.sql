-- Issue 12 (points 2 and 8). Keep in step with migrations/postgres/0038_received_announcements.sql
-- (only the id column differs).

-- Announcements of the territories of other Maillage instances that a territory here follows:
-- the `Note` their territory (a `Group`) announces, kept to be shown on the followers' news
-- (docs/FEDERATION.md, "Announcements"). Stored once per announcement, whichever local territory
-- follows its group; the `following` table says who sees it. The HTML is sanitised before it is
-- stored; an `Update` replaces it, a `Delete` removes the row.
CREATE TABLE received_announcements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    -- The announcing territory (its `remote_actors` row).
    group_actor_id BIGINT NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,
    author_actor TEXT NOT NULL,
    content_html TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    -- Its picture, shown from its origin (https only), and the alternative text.
    image_url TEXT NOT NULL DEFAULT '',
    image_alt TEXT NOT NULL DEFAULT '',
    published_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX received_announcements_group ON received_announcements (group_actor_id, published_at);

-- The participants' feedback summary an organiser sends with its evaluation (`cces:feedback`):
-- kept for the evaluations received from other instances (ours are counted when served).
ALTER TABLE action_evaluations ADD COLUMN feedback_answers BIGINT;
ALTER TABLE action_evaluations ADD COLUMN feedback_mean DOUBLE PRECISION;
