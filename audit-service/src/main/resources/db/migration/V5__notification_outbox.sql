-- Notification events (system.audit_chain_broken) on their way to webhook-service, which owns
-- delivery. The relay (service-support OutboxRelay) posts each row and deletes it once
-- webhook-service accepted it. payload: the event as io.tuneops.support.notify.NotificationEventPayload JSON.
CREATE TABLE notification_outbox (
    seq        bigserial PRIMARY KEY,
    event_id   text        NOT NULL UNIQUE,
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The broken links already reported, by the seq of the first broken entry: the chain is verified
-- every period and on request, and a break stays until someone repairs the rows, but people are
-- told once. The event is queued only by the insert that adds the link here.
CREATE TABLE reported_chain_breaks (
    first_broken_seq bigint      PRIMARY KEY,
    reason           text        NOT NULL,
    reported_at      timestamptz NOT NULL DEFAULT now()
);
