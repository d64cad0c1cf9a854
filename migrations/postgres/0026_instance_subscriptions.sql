-- Instance-to-instance subscriptions (issue 13, point 7). The instance actor (`/actor`, an
-- `Application`, FEP-2677) follows other instances' actors and LitePub relays, and other
-- instances follow it. Keep in step with migrations/sqlite/0026_instance_subscriptions.sql.

-- Actors our instance actor follows: another Maillage instance ('instance') or a relay
-- ('relay', followed with object `as:Public` as LitePub relays expect).
CREATE TABLE instance_following (
    actor_id BIGINT PRIMARY KEY REFERENCES remote_actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('instance', 'relay')),
    follow_ap_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at BIGINT NOT NULL
);

-- Remote instances (their actors) following our instance actor: every territory's public
-- activities are delivered to them too.
CREATE TABLE instance_followers (
    actor_id BIGINT PRIMARY KEY REFERENCES remote_actors (id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at BIGINT NOT NULL
);

-- Remote territories (or their authors) learned through a subscription rather than followed
-- one by one: the subscription they came by, and when first seen.
CREATE TABLE subscription_territories (
    actor_id BIGINT PRIMARY KEY REFERENCES remote_actors (id) ON DELETE CASCADE,
    via_actor_id BIGINT NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,
    first_seen_at BIGINT NOT NULL
);
