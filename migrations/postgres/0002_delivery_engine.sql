-- Delivery engine: per-object ordering, host health, signature format memory, domain blocks.
-- Keep in step with migrations/sqlite/0002_delivery_engine.sql.

-- The object an activity is about, copied onto its deliveries so that, for one inbox,
-- activities about the same object are sent one after the other (Create, Update, Delete).
ALTER TABLE deliveries ADD COLUMN object_key TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_order ON deliveries (inbox, object_key, state, id);
CREATE INDEX deliveries_host ON deliveries (host, state);

-- What we know of each remote host we deliver to or hear from.
CREATE TABLE hosts (
    host TEXT PRIMARY KEY,
    -- Set when deliveries were abandoned; cleared when the host is seen alive again.
    unreachable_since BIGINT,
    last_success_at BIGINT,
    last_failure_at BIGINT,
    last_error TEXT,
    -- Signature format this host accepted last: 'cavage' or 'rfc9421' (double-knocking memory).
    signature_format TEXT,
    last_probe_at BIGINT
);

-- Instance-level domain blocks: their activities are refused, nothing is delivered to them.
CREATE TABLE domain_blocks (
    domain TEXT PRIMARY KEY,
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

-- FEP-521a: an actor's Ed25519 key (Multikey in assertionMethod), for RFC 9421 signatures.
ALTER TABLE remote_actors ADD COLUMN ed25519_key_id TEXT;
ALTER TABLE remote_actors ADD COLUMN ed25519_public_key TEXT;
CREATE INDEX remote_actors_ed25519_key_id ON remote_actors (ed25519_key_id);
