-- Good practices, local and received from followed territories, with their revision history.
-- Keep in step with migrations/postgres/0007_practices.sql (search differs: FTS5 here over
-- French-stemmed text computed by the application, tsvector('french') there).

CREATE TABLE practices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    -- The local territory that owns it; NULL for a practice received from another server.
    territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    -- The territory actor it belongs to (local or remote).
    origin_actor TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_md TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    domains TEXT NOT NULL DEFAULT '',
    dimensions TEXT NOT NULL DEFAULT '[]',
    structures TEXT NOT NULL DEFAULT '',
    partners TEXT NOT NULL DEFAULT '',
    governance TEXT NOT NULL DEFAULT '',
    commune TEXT NOT NULL DEFAULT '',
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    tags TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL,
    search_text TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT
);
CREATE INDEX practices_catalogue ON practices (status, published_at);

CREATE TABLE practice_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    changes TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX practice_revisions_practice ON practice_revisions (practice_id, id);

CREATE VIRTUAL TABLE practices_fts USING fts5 (search_text, content = 'practices', content_rowid = 'id');
CREATE TRIGGER practices_fts_insert AFTER INSERT ON practices BEGIN
    INSERT INTO practices_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER practices_fts_delete AFTER DELETE ON practices BEGIN
    INSERT INTO practices_fts (practices_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER practices_fts_update AFTER UPDATE OF search_text ON practices BEGIN
    INSERT INTO practices_fts (practices_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO practices_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
