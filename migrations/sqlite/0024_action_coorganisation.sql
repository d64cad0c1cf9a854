-- Co-organisation across instances and evaluation of shared actions (issue 12, points 7 and 8).
-- Keep in step with migrations/postgres/0024_action_coorganisation.sql (only the id columns differ).

-- Invitations to co-organise: 'sent' by a local territory (the action is ours, `actor` the
-- invited remote territory) or 'received' by one (the action is a remote one stored here,
-- `actor` the inviting territory). `invite_ap_id` is the `Invite`'s id, the object of its
-- `Accept`/`Reject`.
CREATE TABLE action_invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    invite_ap_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'withdrawn')),
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    UNIQUE (action_id, direction, territory_id, actor)
);
CREATE INDEX action_invitations_territory ON action_invitations (territory_id, direction, state);

-- One evaluation per action and organising territory (`organizer`: its actor id; local ones
-- also by `territory_id`), written after the action ended, local or received with the Event.
-- Rows meant to be aggregated (the observatory): numbers in `action_evaluation_indicators`.
CREATE TABLE action_evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    organizer TEXT NOT NULL,
    territory_id BIGINT REFERENCES territories (id) ON DELETE CASCADE,
    participants BIGINT,
    -- Actor ids of the structures (signatories) involved, comma-separated.
    structures TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (action_id, organizer)
);

CREATE TABLE action_evaluation_indicators (
    evaluation_id BIGINT NOT NULL REFERENCES action_evaluations (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    dimension TEXT NOT NULL CHECK (dimension IN ('sociale', 'economique', 'territoriale', 'environnementale')),
    label TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    period TEXT NOT NULL DEFAULT '',
    -- An indicator of the shared vocabulary (its reference id), when it is one.
    cces_indicator TEXT,
    PRIMARY KEY (evaluation_id, position)
);
CREATE INDEX action_evaluation_indicators_dimension ON action_evaluation_indicators (dimension, cces_indicator);
