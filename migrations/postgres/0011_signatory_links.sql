-- Extra private management links of a signature. When someone signs again with an address
-- that already signed, the form answers as for a new signature and the address's owner is
-- mailed a fresh management link (issue 10, point 11): the answer reveals nothing, and the
-- earlier link keeps working (a stranger cannot revoke it by signing with someone's address).
-- Deleted with the signature's personal data at withdrawal.
-- Keep in step with migrations/sqlite/0011_signatory_links.sql.
CREATE TABLE signatory_links (
    token_hash TEXT PRIMARY KEY,
    signatory_id BIGINT NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX signatory_links_signatory ON signatory_links (signatory_id);
