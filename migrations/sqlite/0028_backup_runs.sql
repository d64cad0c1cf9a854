-- Scheduled backups (issue 15, point 8): one row per run, so that the console shows the last
-- backup, the next one and the failures, and so that several app processes sharing one
-- PostgreSQL database run each scheduled backup once (the first to insert its slot wins).
CREATE TABLE backup_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slot BIGINT NOT NULL UNIQUE,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    file TEXT,
    bytes BIGINT,
    error TEXT
);
