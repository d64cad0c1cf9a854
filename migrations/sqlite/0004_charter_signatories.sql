-- The charter (versioned Markdown documents) and its signatories.
-- Keep in step with migrations/postgres/0004_charter_signatories.sql.

CREATE TABLE charters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    content_md TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    UNIQUE (territory_id, version)
);

-- Contact details (email, phone, postal_address) and the representative of a structure are
-- private: they never leave the instance but in the admin export.
CREATE TABLE signatories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    charter_id BIGINT NOT NULL REFERENCES charters (id),
    kind TEXT NOT NULL CHECK (kind IN ('individual', 'structure')),
    status TEXT NOT NULL CHECK (status IN ('unconfirmed', 'confirmed', 'approved', 'rejected', 'withdrawn')),
    listed BIGINT NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    roles TEXT NOT NULL DEFAULT '',
    legal_form TEXT NOT NULL DEFAULT '',
    domains TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    commune TEXT NOT NULL DEFAULT '',
    governance TEXT NOT NULL DEFAULT '',
    partners TEXT NOT NULL DEFAULT '',
    representative_name TEXT NOT NULL DEFAULT '',
    representative_role TEXT NOT NULL DEFAULT '',
    email TEXT,
    phone TEXT,
    postal_address TEXT,
    reject_reason TEXT,
    confirm_token_hash TEXT,
    confirm_expires_at BIGINT,
    manage_token_hash TEXT,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    decided_at BIGINT,
    withdrawn_at BIGINT
);
CREATE INDEX signatories_territory ON signatories (territory_id, status);
CREATE UNIQUE INDEX signatories_confirm ON signatories (confirm_token_hash);
CREATE UNIQUE INDEX signatories_manage ON signatories (manage_token_hash);
-- One live signature per email and territory (withdrawn ones have no email any more).
CREATE UNIQUE INDEX signatories_email ON signatories (territory_id, email);
