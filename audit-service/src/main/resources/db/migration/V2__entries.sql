-- The audit trail: one row per event, chained by SHA-256 over a canonical encoding of every field
-- (entry_hash = H(previous_hash || canonical(entry))). seq gives the single order of the chain.
CREATE TABLE entries (
    seq           bigint      PRIMARY KEY,
    event_id      text        NOT NULL UNIQUE,
    time          timestamptz NOT NULL,
    type          text        NOT NULL,
    actor         text,
    actor_ip      text,
    target_type   text,
    target_id     text,
    action        text,
    details       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    previous_hash bytea       NOT NULL,
    entry_hash    bytea       NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entries_type_seq ON entries (type, seq DESC);
CREATE INDEX entries_time ON entries (time);
CREATE INDEX entries_actor_seq ON entries (actor, seq DESC);
CREATE INDEX entries_actor_ip_seq ON entries (actor_ip, seq DESC);
CREATE INDEX entries_target_seq ON entries (target_type, target_id, seq DESC);

-- The head of the chain: locked by every writer, so several replicas append in one order.
CREATE TABLE chain_head (
    id        smallint PRIMARY KEY CHECK (id = 1),
    seq       bigint   NOT NULL,
    head_hash bytea    NOT NULL
);
INSERT INTO chain_head (id, seq, head_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));
