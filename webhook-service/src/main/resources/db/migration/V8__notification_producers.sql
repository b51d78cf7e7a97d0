-- The notification events of job and approval changes, written by triggers on the rows that change.
-- A trigger, not the Java paths that change a status: every statement that moves a job or a request
-- (a webhook, a cancel, reconciliation, the submit's provider answer, an approval, the expiry sweep,
-- and any path added later, a psql session's too) writes its event in its own transaction, so an
-- event exists exactly when its change was committed and a rolled-back change leaves none.
-- Event types and default severities are those of NotificationEventType (service/notify).

-- 'evt_' and 26 random hex digits (gen_random_uuid: PostgreSQL 13 or later)
CREATE FUNCTION webhook.notification_event_id() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT 'evt_' || left(replace(gen_random_uuid()::text, '-', ''), 26)
$$;

-- A time as ISO 8601 UTC, whatever the session's TimeZone (to_jsonb would use it)
CREATE FUNCTION webhook.notification_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- What a person needs to act on a job event. Money as a JSON number without trailing zeros; the
-- error is cut at 2000 characters, a provider may report a whole stack trace.
CREATE FUNCTION webhook.notification_job_data(j webhook.job) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'job_id', j.job_id, 'name', j.name, 'status', j.status, 'provider', j.provider, 'hardware', j.hardware,
        'username', j.username, 'cost_usd', trim_scale(j.cost_usd), 'estimated_cost_usd', trim_scale(j.estimated_cost_usd),
        'error', left(j.error, 2000), 'provider_job_id', j.provider_job_id)
$$;

-- job.submitted on insert (a job held for approval too); job.started, job.completed, job.failed and
-- job.cancelled when the status becomes running or a terminal one (pending, queued and the release
-- from pending_approval report nothing).
CREATE FUNCTION webhook.job_notification() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind     text;
    severity text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        kind := 'job.submitted'; severity := 'info';
    ELSE
        CASE NEW.status
            WHEN 'running' THEN kind := 'job.started'; severity := 'info';
            WHEN 'completed' THEN kind := 'job.completed'; severity := 'info';
            WHEN 'failed' THEN kind := 'job.failed'; severity := 'error';
            WHEN 'cancelled' THEN kind := 'job.cancelled'; severity := 'warning';
            ELSE RETURN NULL;
        END CASE;
    END IF;
    INSERT INTO webhook.notification_event (event_id, event_type, severity, job_id, user_id, team_id, org_id, data)
    VALUES (webhook.notification_event_id(), kind, severity, NEW.job_id, NEW.user_id, NEW.team_id, NEW.org_id,
            webhook.notification_job_data(NEW));
    RETURN NULL;
END $$;
CREATE TRIGGER job_notification_insert AFTER INSERT ON webhook.job
    FOR EACH ROW EXECUTE FUNCTION webhook.job_notification();
CREATE TRIGGER job_notification_status AFTER UPDATE OF status ON webhook.job
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook.job_notification();

-- approval.requested when a pending request is stored; approval.approved, approval.rejected and
-- approval.expired when it is decided (a cancelled request reports nothing: its job's job.cancelled
-- does). The job supplies the submitter's name, team and organisation.
CREATE FUNCTION webhook.approval_notification() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind     text;
    severity text;
    j        webhook.job;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'pending' THEN
            RETURN NULL;
        END IF;
        kind := 'approval.requested'; severity := 'warning';
    ELSE
        CASE NEW.status
            WHEN 'approved' THEN kind := 'approval.approved'; severity := 'info';
            WHEN 'rejected' THEN kind := 'approval.rejected'; severity := 'warning';
            WHEN 'expired' THEN kind := 'approval.expired'; severity := 'warning';
            ELSE RETURN NULL;
        END CASE;
    END IF;
    SELECT * INTO j FROM webhook.job WHERE job_id = NEW.job_id;
    INSERT INTO webhook.notification_event (event_id, event_type, severity, job_id, user_id, team_id, org_id, data)
    VALUES (webhook.notification_event_id(), kind, severity, NEW.job_id, coalesce(NEW.user_id, j.user_id), j.team_id,
            j.org_id, jsonb_build_object(
                'request_id', NEW.id, 'job_id', NEW.job_id, 'reason', NEW.reason, 'provider', NEW.provider,
                'hardware', NEW.hardware_type, 'estimated_cost_usd', trim_scale(NEW.estimated_cost),
                'username', j.username, 'required_role', NEW.required_role, 'reviewed_by', NEW.reviewed_by,
                'review_notes', NEW.review_notes, 'expires_at', webhook.notification_time(NEW.expires_at)));
    RETURN NULL;
END $$;
CREATE TRIGGER approval_notification_insert AFTER INSERT ON webhook.approval_request
    FOR EACH ROW EXECUTE FUNCTION webhook.approval_notification();
CREATE TRIGGER approval_notification_status AFTER UPDATE OF status ON webhook.approval_request
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook.approval_notification();

-- cost.threshold: when a job's recorded cost grows, each cost budget (cost_daily, cost_monthly quota)
-- counting it is checked against 50, 80 and 100 % of its limit. The spend is what its jobs have
-- cost so far, over the jobs the quota counts (QuotaRepository.usage: unfinished ones and those
-- created in the UTC day or month); estimates do not count, nothing has been spent on them yet.
-- Reported once per budget, period and threshold (the event id is derived from them); a jump over
-- several thresholds reports the highest. The budget's advisory lock makes concurrent cost
-- recordings count one after the other, so no crossing falls between two of them.
CREATE FUNCTION webhook.cost_threshold_notification() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    q            webhook.quota;
    period_start timestamptz;
    spent        numeric;
    percent      numeric;
    threshold    integer;
    scope_id     text;
BEGIN
    FOR q IN SELECT * FROM webhook.quota
             WHERE quota_type IN ('cost_daily', 'cost_monthly')
               AND (scope = 'global' OR (scope = 'org' AND org_id = NEW.org_id)
                    OR (scope = 'team' AND team_id = NEW.team_id) OR (scope = 'user' AND user_id = NEW.user_id))
             ORDER BY quota_id
    LOOP
        period_start := date_trunc(CASE q.quota_type WHEN 'cost_daily' THEN 'day' ELSE 'month' END,
                                   now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        CONTINUE WHEN NOT (NEW.status IN ('pending_approval', 'pending', 'queued', 'running')
                           OR NEW.created_at >= period_start);
        PERFORM pg_advisory_xact_lock(hashtextextended('tuneops.cost-threshold:' || q.quota_id, 0));
        -- one statement per scope, so each uses its scope's indexes (V5__quotas.sql)
        CASE q.scope
            WHEN 'global' THEN
                scope_id := NULL;
                SELECT coalesce(sum(cost_usd), 0) INTO spent FROM webhook.job
                WHERE status IN ('pending_approval', 'pending', 'queued', 'running') OR created_at >= period_start;
            WHEN 'org' THEN
                scope_id := q.org_id;
                SELECT coalesce(sum(cost_usd), 0) INTO spent FROM webhook.job
                WHERE org_id = q.org_id AND (status IN ('pending_approval', 'pending', 'queued', 'running')
                                             OR created_at >= period_start);
            WHEN 'team' THEN
                scope_id := q.team_id;
                SELECT coalesce(sum(cost_usd), 0) INTO spent FROM webhook.job
                WHERE team_id = q.team_id AND (status IN ('pending_approval', 'pending', 'queued', 'running')
                                               OR created_at >= period_start);
            ELSE
                scope_id := q.user_id;
                SELECT coalesce(sum(cost_usd), 0) INTO spent FROM webhook.job
                WHERE user_id = q.user_id AND (status IN ('pending_approval', 'pending', 'queued', 'running')
                                               OR created_at >= period_start);
        END CASE;
        percent := spent * 100 / q.limit_value;
        threshold := CASE WHEN percent >= 100 THEN 100 WHEN percent >= 80 THEN 80 WHEN percent >= 50 THEN 50 END;
        CONTINUE WHEN threshold IS NULL;
        INSERT INTO webhook.notification_event (event_id, event_type, severity, user_id, team_id, org_id, data)
        VALUES ('evt_cost_' || q.quota_id || '_' || to_char(period_start AT TIME ZONE 'UTC', 'YYYYMMDD') || '_' || threshold,
                'cost.threshold', CASE WHEN threshold >= 100 THEN 'error' ELSE 'warning' END,
                q.user_id, q.team_id, q.org_id,
                jsonb_build_object('quota_id', q.quota_id, 'quota_type', q.quota_type, 'scope', q.scope,
                                   'scope_id', scope_id, 'limit_usd', trim_scale(q.limit_value),
                                   'spent_usd', trim_scale(spent), 'percent', round(percent, 1), 'threshold', threshold,
                                   'period_start', webhook.notification_time(period_start)))
        ON CONFLICT (event_id) DO NOTHING;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER job_cost_threshold AFTER UPDATE OF cost_usd ON webhook.job
    FOR EACH ROW WHEN (NEW.cost_usd > OLD.cost_usd) EXECUTE FUNCTION webhook.cost_threshold_notification();

-- The last health check's outcome per provider, across replicas: system.provider_unhealthy is
-- reported when it turns unhealthy, once however many replicas check (the row is the one place the
-- transition happens, and its trigger writes the event in the transaction of that change).
CREATE TABLE webhook.provider_health (
    provider   text PRIMARY KEY,
    status     text        NOT NULL,
    detail     text,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION webhook.provider_unhealthy_notification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'unhealthy' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'unhealthy') THEN
        INSERT INTO webhook.notification_event (event_id, event_type, severity, data)
        VALUES (webhook.notification_event_id(), 'system.provider_unhealthy', 'critical',
                jsonb_build_object('component', 'webhook-service', 'provider', NEW.provider,
                                   'detail', left(NEW.detail, 2000), 'first_broken_id', NULL));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER provider_unhealthy_notification AFTER INSERT OR UPDATE OF status ON webhook.provider_health
    FOR EACH ROW EXECUTE FUNCTION webhook.provider_unhealthy_notification();
