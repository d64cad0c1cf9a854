-- The worker claims due deliveries in (next_attempt_at, id) order and stops at a page of
-- candidates: with `id` in the index the database walks the page instead of sorting every
-- pending row (a fan-out queues thousands with the same `next_attempt_at`). Pruning delivered
-- rows reads the `state = 'done'` prefix by age.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at, id);
CREATE INDEX deliveries_done ON deliveries (state, updated_at);
