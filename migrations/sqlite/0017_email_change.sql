-- A signer changing their address on the private page: the new address is kept in a private
-- link of kind 'email' until its owner opens the link mailed to it (issue 10: the page must not
-- tell whether an address already signed, so no change is applied, or refused, before that).
-- Deleted with the signature's personal data, like the other links.
ALTER TABLE signatory_links ADD COLUMN email TEXT;
