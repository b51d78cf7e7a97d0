-- Who submitted a job and what it was expected to cost, for quotas, budgets and approvals.
-- user_id, team_id and org_id are null for a credential that belongs to no user (the bootstrap key).
ALTER TABLE webhook.job
    ADD COLUMN user_id            text,
    ADD COLUMN username           text,
    ADD COLUMN team_id            text,
    ADD COLUMN org_id             text,
    ADD COLUMN estimated_cost_usd numeric(14, 6);

-- A job that waits for an approver is stored as pending_approval; it counts against quotas.
ALTER TABLE webhook.job DROP CONSTRAINT job_status_check;
ALTER TABLE webhook.job ADD CONSTRAINT job_status_check
    CHECK (status IN ('pending_approval', 'pending', 'queued', 'running', 'completed', 'failed', 'cancelled'));

-- A job in a non-terminal state is its own quota reservation: nothing to expire or leak, and it is
-- released by the same update that ends the job. These indexes keep the counts of the submit
-- transaction (active jobs, jobs and spend in a window) to index scans of one scope.
CREATE INDEX job_active_user ON webhook.job (user_id)
    WHERE status IN ('pending_approval', 'pending', 'queued', 'running');
CREATE INDEX job_active_team ON webhook.job (team_id)
    WHERE status IN ('pending_approval', 'pending', 'queued', 'running');
CREATE INDEX job_active_org ON webhook.job (org_id)
    WHERE status IN ('pending_approval', 'pending', 'queued', 'running');
CREATE INDEX job_user_created ON webhook.job (user_id, created_at);
CREATE INDEX job_team_created ON webhook.job (team_id, created_at);
CREATE INDEX job_org_created ON webhook.job (org_id, created_at);
-- the run time of a hardware's recent completed jobs prices a submit without a max_run_seconds
CREATE INDEX job_completed_hardware ON webhook.job (provider, hardware, completed_at DESC)
    WHERE status = 'completed' AND predict_time IS NOT NULL;

CREATE TABLE webhook.quota (
    quota_id    text PRIMARY KEY,
    quota_type  text           NOT NULL
        CHECK (quota_type IN ('concurrent_jobs', 'jobs_per_hour', 'jobs_per_day', 'cost_daily', 'cost_monthly')),
    limit_value numeric(14, 6) NOT NULL CHECK (limit_value > 0),
    action      text           NOT NULL CHECK (action IN ('block', 'warn', 'require_approval')),
    scope       text           NOT NULL CHECK (scope IN ('global', 'org', 'team', 'user')),
    -- a team quota keeps the organisation it was created under (shown back); it applies by team_id
    org_id      text,
    team_id     text,
    user_id     text,
    created_at  timestamptz    NOT NULL DEFAULT now(),
    created_by  text           NOT NULL,
    CHECK (CASE scope
               WHEN 'global' THEN org_id IS NULL AND team_id IS NULL AND user_id IS NULL
               WHEN 'org' THEN org_id IS NOT NULL AND team_id IS NULL AND user_id IS NULL
               WHEN 'team' THEN team_id IS NOT NULL AND user_id IS NULL
               ELSE user_id IS NOT NULL AND org_id IS NULL AND team_id IS NULL END)
);
CREATE INDEX quota_org ON webhook.quota (org_id) WHERE scope = 'org';
CREATE INDEX quota_team ON webhook.quota (team_id) WHERE scope = 'team';
CREATE INDEX quota_user ON webhook.quota (user_id) WHERE scope = 'user';
