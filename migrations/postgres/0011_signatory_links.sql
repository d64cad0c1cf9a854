-- Extra private links of a signature. When someone signs again with an address that already
-- signed, the form answers as for a new signature and the address's owner is mailed a fresh
-- management link, and a fresh confirmation link if it never confirmed (issue 10, point 11):
-- the answer reveals nothing, and the earlier links keep working (a stranger cannot revoke
-- them by signing with someone's address). Deleted with the signature's personal data.
-- Keep in step with migrations/sqlite/0011_signatory_links.sql.
CREATE TABLE signatory_links (
    token_hash TEXT PRIMARY KEY,
    signatory_id BIGINT NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    -- 'manage' or 'confirm' (a confirmation link expires with the signature's deadline).
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX signatory_links_signatory ON signatory_links (signatory_id);
