-- Conversations around practices (comments, likes, boosts) and adoptions by other territories;
-- the structures named by practices received from elsewhere.
-- Keep in step with migrations/postgres/0008_conversations.sql.

-- Replies (`Note` with `inReplyTo`) to a practice or to one of its comments.
CREATE TABLE practice_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    -- What it answers: the practice or another comment.
    in_reply_to TEXT NOT NULL,
    author_actor TEXT NOT NULL,
    author_name TEXT NOT NULL DEFAULT '',
    -- `name@host`, shown beside the comment.
    author_handle TEXT NOT NULL DEFAULT '',
    author_url TEXT NOT NULL DEFAULT '',
    -- Sanitised HTML.
    content_html TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    -- The local territory that wrote it (NULL when it came from elsewhere).
    local_territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    -- Our `Announce` of it to the practice's followers (FEP-1b12), to undo when hidden.
    announce_ap_id TEXT,
    hidden BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX practice_comments_practice ON practice_comments (practice_id, published_at);

-- `Like`s and boosts (`Announce` without adoption) of a practice: one of each per actor.
CREATE TABLE practice_reactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('like', 'share')),
    actor TEXT NOT NULL,
    activity_ap_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (practice_id, kind, actor)
);
CREATE INDEX practice_reactions_activity ON practice_reactions (activity_ap_id);

-- A territory that adopted a practice (its `Announce` with `cces:adoption`), with its note.
CREATE TABLE practice_adoptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    adopter_actor TEXT NOT NULL,
    adopter_name TEXT NOT NULL DEFAULT '',
    adopter_url TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    activity_ap_id TEXT NOT NULL,
    -- Set when the adopter is a territory of this instance.
    local_territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    UNIQUE (practice_id, adopter_actor)
);
CREATE INDEX practice_adoptions_activity ON practice_adoptions (activity_ap_id);

-- Structures involved in a practice received from another server: JSON `[{"id", "name"}]` as its
-- `cces:structures` gave them. (Local practices name their signatories by id in `structures`.)
ALTER TABLE practices ADD COLUMN structure_refs TEXT NOT NULL DEFAULT '[]';

-- The catalogue of one territory, newest first.
CREATE INDEX practices_origin ON practices (origin_actor, status, published_at);
