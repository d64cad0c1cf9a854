-- Maillage initial schema (SQLite). Timestamps are milliseconds since the Unix epoch.
-- Booleans are BIGINT 0/1: sqlx's Any driver cannot decode SQLite BOOLEAN columns.
-- Keep in step with migrations/postgres/0001_init.sql: the same tests run on both.

CREATE TABLE territories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    manually_approves_followers BIGINT NOT NULL DEFAULT 0,
    discoverable BIGINT NOT NULL DEFAULT 1,
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The instance's own Application actor (FEP-2677, FEP-d556): one row.
CREATE TABLE instance_actor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Actors of other servers we have fetched (followers, followed, signers).
CREATE TABLE remote_actors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    preferred_username TEXT,
    name TEXT,
    url TEXT,
    inbox TEXT NOT NULL,
    shared_inbox TEXT,
    key_id TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    host TEXT NOT NULL,
    fetched_at BIGINT NOT NULL
);
CREATE INDEX remote_actors_key_id ON remote_actors (key_id);

-- Remote actors following a territory.
CREATE TABLE followers (
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (territory_id, actor_id)
);

-- Remote actors a territory follows.
CREATE TABLE following (
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (territory_id, actor_id)
);

-- Activities this instance authored. territory_id NULL: the instance actor.
CREATE TABLE activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    object_ap_id TEXT,
    json TEXT NOT NULL,
    public BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX activities_outbox ON activities (territory_id, public, id);

-- Durable delivery queue: one row per (activity, destination inbox).
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    inbox TEXT NOT NULL,
    host TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    leased_until BIGINT NOT NULL DEFAULT 0,
    last_status BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (activity_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

-- Ids of activities already processed by the inbox (idempotence).
CREATE TABLE received_activities (
    ap_id TEXT PRIMARY KEY,
    actor_ap_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
