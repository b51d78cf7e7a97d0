-- Notifications: channels (where to send), preferences (who hears which events on which
-- channel), the outbox of events (written in the transaction of the change each reports) and one
-- delivery per event and channel (claimed by one dispatcher at a time, retried until delivered or
-- out of attempts).

CREATE TABLE webhook.notification_channel (
    id                text PRIMARY KEY,
    name              text        NOT NULL,
    channel_type      text        NOT NULL CHECK (channel_type IN ('email', 'slack', 'webhook')),
    is_enabled        boolean     NOT NULL DEFAULT true,
    -- what may be shown: smtp_host, smtp_port, smtp_username, smtp_use_tls ('starttls'|'tls'|'none'
    -- as smtp_security), smtp_from_address, smtp_from_name, webhook_url, description, event_types
    settings          jsonb       NOT NULL DEFAULT '{}',
    -- the write-only part (SMTP password, Slack incoming-webhook URL, whsec_ secret), SecretBox-sealed
    secret_ciphertext bytea,
    org_id            text,
    created_by        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook.notification_preference (
    id           text PRIMARY KEY,
    -- null for a mute, which names no channel
    channel_id   text REFERENCES webhook.notification_channel (id) ON DELETE CASCADE,
    -- whose events: everyone's, an organisation's, a team's or one user's (scope_id)
    scope        text        NOT NULL CHECK (scope IN ('everyone', 'org', 'team', 'user')),
    scope_id     text,
    -- an event type, a family ('job.*') or every event ('*')
    event_type   text        NOT NULL,
    min_severity text        NOT NULL DEFAULT 'info' CHECK (min_severity IN ('info', 'warning', 'error', 'critical')),
    is_enabled   boolean     NOT NULL DEFAULT true,
    -- a user's mute of their own jobs' routine (info) events: scope 'user', no channel
    mute         boolean     NOT NULL DEFAULT false,
    recipients   text[]      NOT NULL DEFAULT '{}',
    created_by   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope = 'everyone') = (scope_id IS NULL)),
    CHECK (mute = (channel_id IS NULL)),
    CHECK (NOT mute OR scope = 'user')
);
CREATE INDEX notification_preference_channel ON webhook.notification_preference (channel_id);

-- The outbox. event_id is the Standard Webhooks webhook-id of every delivery of the event, so a
-- receiver can drop a redelivery; a producer that may report the same fact twice (two replicas'
-- watchdogs) derives it from the fact and inserts ON CONFLICT (event_id) DO NOTHING.
CREATE TABLE webhook.notification_event (
    seq         bigserial PRIMARY KEY,
    event_id    text        NOT NULL UNIQUE,
    event_type  text        NOT NULL,
    severity    text        NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    job_id      text,
    user_id     text,
    team_id     text,
    org_id      text,
    data        jsonb       NOT NULL DEFAULT '{}',
    -- set when the event has been matched against the preferences and its deliveries written
    routed_at   timestamptz
);
CREATE INDEX notification_event_unrouted ON webhook.notification_event (seq) WHERE routed_at IS NULL;
CREATE INDEX notification_event_occurred ON webhook.notification_event (occurred_at);
-- the history's job filter
CREATE INDEX notification_event_job ON webhook.notification_event (job_id) WHERE job_id IS NOT NULL;

CREATE TABLE webhook.notification_delivery (
    id               bigserial PRIMARY KEY,
    event_id         text        NOT NULL REFERENCES webhook.notification_event (event_id) ON DELETE CASCADE,
    channel_id       text        NOT NULL REFERENCES webhook.notification_channel (id) ON DELETE CASCADE,
    recipients       text[]      NOT NULL DEFAULT '{}',
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'delivering', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- while delivering: past this, the claim is abandoned (its dispatcher died) and taken again
    lease_until      timestamptz,
    last_status_code integer,
    last_error       text,
    latency_ms       integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    UNIQUE (event_id, channel_id)
);
CREATE INDEX notification_delivery_due ON webhook.notification_delivery (next_attempt_at)
    WHERE status IN ('pending', 'delivering');
CREATE INDEX notification_delivery_history ON webhook.notification_delivery (created_at DESC, id DESC);
CREATE INDEX notification_delivery_channel ON webhook.notification_delivery (channel_id, created_at DESC, id DESC);
-- the failed gauge and the status page count these without reading the whole history
CREATE INDEX notification_delivery_failed ON webhook.notification_delivery (created_at) WHERE status = 'failed';
CREATE INDEX notification_delivery_delivered ON webhook.notification_delivery (delivered_at) WHERE delivered_at IS NOT NULL;

-- The console's "set up notifications" prompt, dismissed once for the installation.
CREATE TABLE webhook.notification_setup (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    skipped    boolean     NOT NULL DEFAULT false,
    skipped_by text,
    skipped_at timestamptz
);

-- Wakes the dispatchers (LISTEN tuneops_notifications) as soon as the transaction that wrote an
-- event or a due delivery commits; they also poll, so a missed wake-up only delays.
CREATE FUNCTION webhook.notification_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tuneops_notifications', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER notification_event_wake AFTER INSERT ON webhook.notification_event
    FOR EACH STATEMENT EXECUTE FUNCTION webhook.notification_wake();
CREATE TRIGGER notification_delivery_wake AFTER INSERT ON webhook.notification_delivery
    FOR EACH STATEMENT EXECUTE FUNCTION webhook.notification_wake();
