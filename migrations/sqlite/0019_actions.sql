-- Shared actions (issue 12): dated events of territories, local and received (federated as
-- `Event`), their organising territories, linked practices and participants.
-- Keep in step with migrations/postgres/0019_actions.sql (only the id column differs).

CREATE TABLE actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    -- The local territory that owns it; NULL for an action received from another server.
    territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    -- The territory actor it belongs to (local or remote).
    origin_actor TEXT NOT NULL,
    publication TEXT NOT NULL CHECK (publication IN ('draft', 'published')),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'tentative', 'cancelled', 'postponed')),
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description_md TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    -- Milliseconds since the epoch (UTC), and the IANA zone it is written in.
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    timezone TEXT NOT NULL,
    place_name TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    commune TEXT NOT NULL DEFAULT '',
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    online_url TEXT NOT NULL DEFAULT '',
    capacity BIGINT,
    join_mode TEXT NOT NULL CHECK (join_mode IN ('free', 'approval', 'external', 'none')),
    join_url TEXT NOT NULL DEFAULT '',
    domains TEXT NOT NULL DEFAULT '',
    dimensions TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    -- Signatory ids of the contact structures (local), comma-separated.
    contacts TEXT NOT NULL DEFAULT '',
    -- Received actions: the count their origin gives (local ones count action_participants).
    remote_participants BIGINT NOT NULL DEFAULT 0,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT
);
CREATE INDEX actions_agenda ON actions (publication, starts_at);
CREATE INDEX actions_territory ON actions (territory_id, starts_at);

-- Territories organising an action: its own first, then co-organisers (later: invitations).
CREATE TABLE action_organizers (
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('origin', 'invited', 'accepted')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (action_id, actor)
);

CREATE TABLE action_practices (
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, practice_id)
);

-- People taking part: a fediverse actor (its `Join`'s id) or someone from the web page
-- (name and email, confirmed by mail). Ready for Join/Leave; nothing writes here yet.
CREATE TABLE action_participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    actor TEXT,
    join_ap_id TEXT UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    email TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected', 'unconfirmed')),
    token_hash TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (action_id, actor)
);
CREATE INDEX action_participants_action ON action_participants (action_id, state);
