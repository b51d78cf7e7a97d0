-- The totals trigger named its tables without a schema, so it worked only for sessions whose
-- search_path includes webhook (the service's own); a psql session or a restore inserting into
-- webhook.job failed. Qualified names make it independent of the session.
CREATE OR REPLACE FUNCTION webhook.job_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO webhook.job_totals_delta (status, jobs, cost_usd, duration_sum, duration_jobs)
        VALUES (NEW.status, 1, NEW.cost_usd, coalesce(NEW.predict_time, 0), CASE WHEN NEW.predict_time IS NULL THEN 0 ELSE 1 END);
    ELSIF TG_OP = 'UPDATE' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.cost_usd IS DISTINCT FROM OLD.cost_usd
                                OR NEW.predict_time IS DISTINCT FROM OLD.predict_time) THEN
        INSERT INTO webhook.job_totals_delta (status, jobs, cost_usd, duration_sum, duration_jobs)
        VALUES (OLD.status, -1, -OLD.cost_usd, -coalesce(OLD.predict_time, 0), CASE WHEN OLD.predict_time IS NULL THEN 0 ELSE -1 END),
               (NEW.status, 1, NEW.cost_usd, coalesce(NEW.predict_time, 0), CASE WHEN NEW.predict_time IS NULL THEN 0 ELSE 1 END);
    END IF;
    RETURN NULL;
END $$;
