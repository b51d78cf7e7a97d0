-- A deleted job is only hidden: it stays in the table, marked with deleted_at, because quotas
-- (jobs_per_hour, jobs_per_day, cost_daily, cost_monthly), a provider's cost_limit and the approval
-- rules (daily_jobs_exceed, first_job) count the jobs a scope has submitted and what they cost;
-- removing the row would hand that usage back. Every listing and read of jobs leaves deleted ones out.
ALTER TABLE webhook.job ADD COLUMN deleted_at timestamptz;
