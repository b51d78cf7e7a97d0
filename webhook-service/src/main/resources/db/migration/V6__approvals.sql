-- Approval rules: a submission that meets an active rule (and whose submitter is not exempt) is
-- stored as pending_approval and waits for a person holding required_approver_level.
CREATE TABLE webhook.approval_rule (
    id                      text PRIMARY KEY,
    name                    text        NOT NULL,
    description             text        NOT NULL DEFAULT '',
    condition               text        NOT NULL CHECK (condition IN ('cost_exceeds', 'hardware_type', 'provider',
                                                  'user_level', 'daily_jobs_exceed', 'first_job', 'config_pattern')),
    threshold               text        NOT NULL DEFAULT '',
    is_active               boolean     NOT NULL DEFAULT true,
    priority                integer     NOT NULL DEFAULT 0,
    applies_to_provider     text,
    applies_to_level        text CHECK (applies_to_level IN ('viewer', 'operator', 'admin')),
    exempt_levels           text[]      NOT NULL DEFAULT '{}',
    required_approver_level text        NOT NULL DEFAULT 'admin'
                                        CHECK (required_approver_level IN ('viewer', 'operator', 'admin')),
    created_at              timestamptz NOT NULL DEFAULT now(),
    created_by              text,
    updated_at              timestamptz NOT NULL DEFAULT now()
);
-- the order a submission's rules are tried in: highest priority first, then the oldest
CREATE INDEX approval_rule_active ON webhook.approval_rule (priority DESC, created_at, id) WHERE is_active;

-- One request per held job. The rule may be deleted later: the request keeps what it needs
-- (reason, required role) and forgets the rule. No foreign key to the job: a finished job may be
-- deleted, its approval history stays.
CREATE TABLE webhook.approval_request (
    id             text PRIMARY KEY,
    job_id         text        NOT NULL,
    user_id        text,
    submitted_by   text        NOT NULL,
    rule_id        text REFERENCES webhook.approval_rule (id) ON DELETE SET NULL,
    status         text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired')),
    reason         text        NOT NULL,
    provider       text        NOT NULL,
    config_name    text,
    estimated_cost numeric(14, 6),
    hardware_type  text,
    required_role  text        NOT NULL CHECK (required_role IN ('viewer', 'operator', 'admin')),
    reviewed_by    text,
    reviewed_at    timestamptz,
    review_notes   text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL
);
-- a job waits on one request at a time
CREATE UNIQUE INDEX approval_request_pending_job ON webhook.approval_request (job_id) WHERE status = 'pending';
CREATE INDEX approval_request_job ON webhook.approval_request (job_id, created_at DESC);
CREATE INDEX approval_request_created ON webhook.approval_request (created_at DESC, id DESC);
CREATE INDEX approval_request_status ON webhook.approval_request (status, created_at DESC, id DESC);
CREATE INDEX approval_request_user ON webhook.approval_request (user_id, submitted_by, created_at DESC);
-- the expiry sweep reads only the pending requests, oldest deadline first
CREATE INDEX approval_request_expiry ON webhook.approval_request (expires_at) WHERE status = 'pending';
