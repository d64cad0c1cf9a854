-- Web and API shell: accounts, sessions, login throttling, password resets, API tokens,
-- audit log, media (territory icons), territory profile fields, instance settings.
-- Keep in step with migrations/postgres/0003_web_shell.sql.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'moderator')),
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Sessions survive restarts; only a SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Failed logins, per client address and per account name, for rate limiting.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'moderator')),
    label TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- Who did what, when. Never personal data beyond the acting account's email.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE media (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

ALTER TABLE territories ADD COLUMN perimeter TEXT NOT NULL DEFAULT '';
ALTER TABLE territories ADD COLUMN domains TEXT NOT NULL DEFAULT '';
ALTER TABLE territories ADD COLUMN icon_media_id BIGINT REFERENCES media (id);

CREATE TABLE instance_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
