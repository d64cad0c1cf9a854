-- Reports, the public moderation log and finer blocks (issue 15, points 1-5).
-- Keep in step with migrations/postgres/0027_reports.sql (only the id columns differ).

-- What someone reported (a visitor on a page, an API caller, or a `Flag` from the fediverse),
-- with the content as it was when reported (`snapshot`, sanitised HTML, never re-read).
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The territory whose moderators decide (NULL: the instance's, for a remote actor).
    territory_id BIGINT REFERENCES territories (id) ON DELETE SET NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('comment', 'practice', 'announcement', 'action', 'actor')),
    -- The target's ActivityPub id (a local id for local content, the remote id otherwise).
    target_ap_id TEXT NOT NULL,
    -- A neutral label of the target at report time (a title, a handle).
    target_label TEXT NOT NULL DEFAULT '',
    -- The remote actor responsible for it (its author), when remote: blocked or told.
    target_actor TEXT,
    snapshot TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('web', 'api', 'federation')),
    -- Private: never shown outside the console, never sent, never logged.
    reporter_email TEXT,
    -- Who reported from the fediverse (its actor id) or through the API (the caller).
    reporter_actor TEXT,
    flag_ap_id TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    decision TEXT,
    decided_by TEXT,
    decided_at BIGINT,
    forwarded_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX reports_status ON reports (status, id);

-- Every moderation decision, as the public sees it: no reporter, no personal data.
CREATE TABLE moderation_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL for an instance-wide decision (a domain block).
    territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    -- Linked while the target is public; the label stands when it is gone.
    target_ap_id TEXT NOT NULL DEFAULT '',
    target_label TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX moderation_log_territory ON moderation_log (territory_id, id);

-- A territory's own blocks of remote actors (`actor`: its id) and domains (`domain`).
CREATE TABLE territory_blocks (
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('actor', 'domain')),
    target TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (territory_id, kind, target)
);

-- Instance-wide severity, as Mastodon's: `suspend` refuses everything, `limit` holds follows
-- for approval and keeps the domain's content out of the catalogue.
ALTER TABLE domain_blocks ADD COLUMN severity TEXT NOT NULL DEFAULT 'suspend';
ALTER TABLE domain_blocks ADD COLUMN reject_media BIGINT NOT NULL DEFAULT 0;
ALTER TABLE domain_blocks ADD COLUMN reject_reports BIGINT NOT NULL DEFAULT 0;
ALTER TABLE domain_blocks ADD COLUMN obfuscate BIGINT NOT NULL DEFAULT 0;
