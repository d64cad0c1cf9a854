-- Moving a territory to another instance (issue 15 point 9), as Mastodon's account migration:
-- `moved_to` is the new Group's id once this one has moved (its actor then carries `movedTo`,
-- its pages redirect there); `also_known_as` lists, comma-separated, the old ids of a Group
-- that moved here (its actor carries `alsoKnownAs`, which the old instance checks first).
ALTER TABLE territories ADD COLUMN moved_to TEXT;
ALTER TABLE territories ADD COLUMN also_known_as TEXT NOT NULL DEFAULT '';
