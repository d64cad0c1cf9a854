-- The conversation around a shared action (issue 12, points 4 and 5). Keep in step with
-- migrations/postgres/0034_action_conversation.sql (only the id columns differ).

-- Fediverse replies (`Note` with `inReplyTo` the action's `Event` or one of these comments),
-- moderated as practice comments: moderators hide them.
CREATE TABLE action_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    in_reply_to TEXT NOT NULL,
    author_actor TEXT NOT NULL,
    author_name TEXT NOT NULL DEFAULT '',
    author_handle TEXT NOT NULL DEFAULT '',
    author_url TEXT NOT NULL DEFAULT '',
    content_html TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    hidden BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX action_comments_of ON action_comments (action_id, published_at);

-- `Like`s of the `Event`: one per actor.
CREATE TABLE action_likes (
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    activity_ap_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (action_id, actor)
);
CREATE INDEX action_likes_activity ON action_likes (activity_ap_id);

-- Participants' feedback once the action has ended: one answer per participant who joined
-- from the page (a second one replaces the first). Private: the public sees the summary.
CREATE TABLE action_feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL UNIQUE REFERENCES action_participants (id) ON DELETE CASCADE,
    rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX action_feedback_of ON action_feedback (action_id);
