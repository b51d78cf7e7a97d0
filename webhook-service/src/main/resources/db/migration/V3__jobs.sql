-- Write-only provider secrets (webhook_secret, api_token), AES-256-GCM encrypted with the key from
-- the secret store (TUNEOPS_ENCRYPTION_KEY): a database dump alone does not reveal them.
CREATE TABLE provider_secret (
    provider   text        NOT NULL,
    name       text        NOT NULL,
    ciphertext bytea       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, name)
);

CREATE TABLE job (
    job_id          text PRIMARY KEY,
    provider        text        NOT NULL,
    -- the provider's own id; for the generic provider it is job_id itself
    provider_job_id text,
    status          text        NOT NULL CHECK (status IN ('pending', 'queued', 'running', 'completed', 'failed', 'cancelled')),
    provider_status text,
    submitted_by    text        NOT NULL,
    idempotency_key text,
    name            text,
    hardware        text,
    request         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    logs            text,
    output          jsonb,
    error           text,
    predict_time    double precision,
    cost_usd        numeric(14, 6) NOT NULL DEFAULT 0,
    cost_limit_warning text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    completed_at    timestamptz
);
-- one job per (caller, idempotency key), decided by the database so concurrent submits agree
CREATE UNIQUE INDEX job_idempotency ON job (submitted_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX job_provider_job ON job (provider, provider_job_id) WHERE provider_job_id IS NOT NULL;
CREATE INDEX job_created ON job (created_at DESC, job_id DESC);
CREATE INDEX job_status_created ON job (status, created_at DESC, job_id DESC);
CREATE INDEX job_provider_created ON job (provider, created_at DESC, job_id DESC);

-- Exactly-once effect of at-least-once webhook delivery: a delivery is recorded in the same
-- transaction as the job change it causes.
CREATE TABLE webhook_delivery (
    provider    text        NOT NULL,
    webhook_id  text        NOT NULL,
    job_id      text,
    outcome     text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, webhook_id)
);
CREATE INDEX webhook_delivery_received ON webhook_delivery (received_at);

-- S3 upload credentials of a job. The secret is encrypted like provider secrets; storage-service
-- reads the live ones from Redis, where this service publishes them with their expiry.
CREATE TABLE upload_credential (
    access_key_id     text PRIMARY KEY,
    job_id            text        NOT NULL REFERENCES job (job_id) ON DELETE CASCADE,
    secret_ciphertext bytea       NOT NULL,
    bucket            text        NOT NULL,
    prefix            text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL
);
CREATE INDEX upload_credential_job ON upload_credential (job_id);

-- Job figures for the Prometheus export without scanning the job table per scrape. A trigger
-- appends deltas (no hot row for concurrent webhook transactions to queue on); a periodic
-- compaction folds them into job_totals. Figures = job_totals + the few uncompacted deltas.
CREATE TABLE job_totals (
    status        text PRIMARY KEY,
    jobs          bigint           NOT NULL DEFAULT 0,
    cost_usd      numeric(20, 6)   NOT NULL DEFAULT 0,
    duration_sum  double precision NOT NULL DEFAULT 0,
    duration_jobs bigint           NOT NULL DEFAULT 0
);
CREATE TABLE job_totals_delta (
    id            bigserial PRIMARY KEY,
    status        text             NOT NULL,
    jobs          bigint           NOT NULL,
    cost_usd      numeric(20, 6)   NOT NULL,
    duration_sum  double precision NOT NULL,
    duration_jobs bigint           NOT NULL
);
-- cost and duration also count for terminal jobs that are later deleted: totals never go backwards
CREATE FUNCTION job_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO job_totals_delta (status, jobs, cost_usd, duration_sum, duration_jobs)
        VALUES (NEW.status, 1, NEW.cost_usd, coalesce(NEW.predict_time, 0), CASE WHEN NEW.predict_time IS NULL THEN 0 ELSE 1 END);
    ELSIF TG_OP = 'UPDATE' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.cost_usd IS DISTINCT FROM OLD.cost_usd
                                OR NEW.predict_time IS DISTINCT FROM OLD.predict_time) THEN
        INSERT INTO job_totals_delta (status, jobs, cost_usd, duration_sum, duration_jobs)
        VALUES (OLD.status, -1, -OLD.cost_usd, -coalesce(OLD.predict_time, 0), CASE WHEN OLD.predict_time IS NULL THEN 0 ELSE -1 END),
               (NEW.status, 1, NEW.cost_usd, coalesce(NEW.predict_time, 0), CASE WHEN NEW.predict_time IS NULL THEN 0 ELSE 1 END);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER job_totals_track AFTER INSERT OR UPDATE ON job FOR EACH ROW EXECUTE FUNCTION job_totals_track();
