-- Signed checkpoints of the chain: head hash and count at a sequence number, HMAC-signed with a
-- key only audit-service holds, so that cutting rows off the end (or rewriting the head) shows.
-- A retention cut leaves a checkpoint at the last deleted entry: what remains still verifies.
CREATE TABLE checkpoints (
    seq           bigint      PRIMARY KEY,
    head_hash     bytea       NOT NULL,
    entry_count   bigint      NOT NULL,
    created_at    timestamptz NOT NULL,
    reason        text        NOT NULL CHECK (reason IN ('periodic', 'retention')),
    signature     bytea       NOT NULL
);
