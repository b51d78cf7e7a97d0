-- An event webhook-service refuses (a 4xx other than 408/429: an event type an older
-- webhook-service does not know yet, during a rolling upgrade) waits on its own schedule instead of
-- holding up the rows behind it: the relay reads only due rows, counts the refusals, and after
-- tuneops.outbox-relay.refusals-max of them sets the row aside (set_aside_at) for an operator, who
-- can requeue it with UPDATE ... SET refusals = 0, next_attempt_at = NULL, set_aside_at = NULL.
-- Same columns as storage.notification_outbox (storage-service V7): one relay reads both.
ALTER TABLE notification_outbox
    ADD COLUMN refusals        integer     NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN last_refusal    text,
    ADD COLUMN set_aside_at    timestamptz;

-- The relay's read walks the rows still to be relayed in seq order; rows set aside are left out.
CREATE INDEX notification_outbox_pending ON notification_outbox (seq) WHERE set_aside_at IS NULL;
