-- Announcements (issue 12, points 1, 2, 9): a territory's short news, federated as `Note`
-- (docs/FEDERATION.md, "Announcements"), with the replies they receive (comments, moderated as
-- practice comments) and the likes they are given.
-- Keep in step with migrations/postgres/0022_announcements.sql (only the id columns differ).

CREATE TABLE announcements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'deleted')),
    title TEXT NOT NULL DEFAULT '',
    body_md TEXT NOT NULL,
    -- Sanitised (text::html).
    body_html TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    -- The image, re-encoded under <data_dir>/media/<image_name> (empty: none), its type, size, alt text.
    image_name TEXT NOT NULL DEFAULT '',
    image_type TEXT NOT NULL DEFAULT '',
    image_width BIGINT NOT NULL DEFAULT 0,
    image_height BIGINT NOT NULL DEFAULT 0,
    image_alt TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT
);
CREATE INDEX announcements_territory ON announcements (territory_id, status, published_at);

-- Replies to an announcement or to one of its comments.
CREATE TABLE announcement_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    announcement_id BIGINT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    in_reply_to TEXT NOT NULL,
    author_actor TEXT NOT NULL,
    author_name TEXT NOT NULL DEFAULT '',
    author_handle TEXT NOT NULL DEFAULT '',
    author_url TEXT NOT NULL DEFAULT '',
    content_html TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    -- The territory's `Announce` of it to its followers (FEP-1b12), undone when hidden.
    announce_ap_id TEXT,
    hidden BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX announcement_comments_of ON announcement_comments (announcement_id, published_at);

-- `Like`s: one per actor.
CREATE TABLE announcement_likes (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    activity_ap_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (announcement_id, actor)
);
CREATE INDEX announcement_likes_activity ON announcement_likes (activity_ap_id);
