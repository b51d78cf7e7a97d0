package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.JobCursor;
import io.tuneops.webhook.service.JobStatus;
import io.tuneops.webhook.service.Provider;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * webhook.job and webhook.webhook_delivery; enums are stored as their wire names. A deleted job
 * stays in the table (see V9__job_soft_delete.sql): every read here leaves it out, except
 * {@link #spentSince}, which prices a provider's cost limit and so counts it.
 */
@ApplicationScoped
public class JobRepository {

    private static final String SELECT = "SELECT " + JobRow.COLUMNS + " FROM webhook.job ";
    private static final String LIVE = "deleted_at IS NULL";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public JobRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Pool pool() {
        return pool;
    }

    /** One transaction, bounded by the database deadline and never committed after it (see StoreDeadlines). */
    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work) {
        return deadlines.transaction(pool, work);
    }

    /** {@link #transaction(Function)} whose last step before the COMMIT (an audit event) must succeed in the time left. */
    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, work, beforeCommit);
    }

    /** Inserts a new job; empty when the caller already has a job under this idempotency key. */
    public Uni<Optional<JobRow>> insertIfNew(SqlClient tx, JobRow job) {
        return tx.preparedQuery("INSERT INTO webhook.job (job_id, provider, provider_job_id, status, submitted_by, "
                        + "idempotency_key, name, hardware, request, cost_limit_warning, user_id, username, team_id, org_id, "
                        + "estimated_cost_usd) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
                        + "ON CONFLICT (submitted_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING "
                        + "RETURNING " + JobRow.COLUMNS)
                .execute(Tuple.from(new Object[]{job.jobId(), job.provider().wire(), job.providerJobId(), job.status().wire(),
                        job.submittedBy(), job.idempotencyKey(), job.name(), job.hardware(), job.request(),
                        job.costLimitWarning(), job.userId(), job.username(), job.teamId(), job.orgId(),
                        job.estimatedCostUsd()}))
                .map(JobRepository::first);
    }

    public Uni<Optional<JobRow>> findByIdempotencyKey(String submittedBy, String key) {
        return deadlines.database(pool.preparedQuery(SELECT + "WHERE submitted_by = $1 AND idempotency_key = $2 AND " + LIVE)
                .execute(Tuple.of(submittedBy, key))).map(JobRepository::first);
    }

    public Uni<Optional<JobRow>> find(String jobId) {
        return deadlines.database(pool.preparedQuery(SELECT + "WHERE job_id = $1 AND " + LIVE).execute(Tuple.of(jobId))).map(JobRepository::first);
    }

    public Uni<Optional<JobRow>> lock(SqlClient tx, String jobId) {
        return tx.preparedQuery(SELECT + "WHERE job_id = $1 AND " + LIVE + " FOR UPDATE").execute(Tuple.of(jobId)).map(JobRepository::first);
    }

    public Uni<Optional<JobRow>> lockByProviderJob(SqlClient tx, Provider provider, String providerJobId) {
        return tx.preparedQuery(SELECT + "WHERE provider = $1 AND provider_job_id = $2 AND " + LIVE + " FOR UPDATE")
                .execute(Tuple.of(provider.wire(), providerJobId)).map(JobRepository::first);
    }

    /** Writes every field a status report or a provider answer may change. */
    public Uni<JobRow> update(SqlClient tx, JobRow job) {
        return tx.preparedQuery("UPDATE webhook.job SET provider_job_id = $2, status = $3, provider_status = $4, logs = $5, "
                        + "output = $6, error = $7, predict_time = $8, cost_usd = $9, started_at = $10, completed_at = $11, "
                        + "updated_at = now() WHERE job_id = $1 RETURNING " + JobRow.COLUMNS)
                .execute(Tuple.from(new Object[]{job.jobId(), job.providerJobId(), job.status().wire(), job.providerStatus(),
                        job.logs(), job.output(), job.error(), job.predictTime(), job.costUsd(), job.startedAt(),
                        job.completedAt()}))
                .map(rows -> first(rows).orElseThrow());
    }

    /**
     * Moves a held job on to pending, exactly once: only the transaction that finds it still
     * {@code pending_approval} changes it. A generic job is reported under its own id from now on
     * (while held no report can reach it). Empty when it was no longer held.
     */
    public Uni<Optional<JobRow>> releaseHeld(SqlClient tx, String jobId) {
        return tx.preparedQuery("UPDATE webhook.job SET status = 'pending', updated_at = now(), provider_job_id = "
                        + "CASE WHEN provider = 'generic' THEN job_id ELSE provider_job_id END "
                        + "WHERE job_id = $1 AND status = 'pending_approval' RETURNING " + JobRow.COLUMNS)
                .execute(Tuple.of(jobId)).map(JobRepository::first);
    }

    /** Ends a held job as cancelled with {@code reason}; empty when it was no longer held. */
    public Uni<Optional<JobRow>> abandonHeld(SqlClient tx, String jobId, String reason) {
        return tx.preparedQuery("UPDATE webhook.job SET status = 'cancelled', error = $2, updated_at = now(), completed_at = now() "
                        + "WHERE job_id = $1 AND status = 'pending_approval' RETURNING " + JobRow.COLUMNS)
                .execute(Tuple.of(jobId, reason)).map(JobRepository::first);
    }

    /** The average run time of the hardware's latest 100 completed jobs at a provider; empty when it has none. */
    public Uni<Optional<Double>> averageRunSeconds(Provider provider, String hardware) {
        return deadlines.database(pool.preparedQuery("SELECT avg(predict_time) FROM (SELECT predict_time FROM webhook.job "
                        + "WHERE provider = $1 AND hardware = $2 AND status = 'completed' AND predict_time IS NOT NULL AND " + LIVE + " "
                        + "ORDER BY completed_at DESC LIMIT 100) recent")
                .execute(Tuple.of(provider.wire(), hardware)))
                .map(rows -> Optional.ofNullable(rows.iterator().next().getDouble(0)));
    }

    /** Records a webhook delivery; false when (provider, webhook-id) was already recorded. */
    public Uni<Boolean> recordDelivery(SqlClient tx, Provider provider, String webhookId, String jobId, String outcome) {
        return tx.preparedQuery("INSERT INTO webhook.webhook_delivery (provider, webhook_id, job_id, outcome) "
                        + "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(provider.wire(), webhookId, jobId, outcome)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Deletes a finished job as far as anyone can see: it is marked deleted, not removed, so the
     * quotas, budgets, cost limit and approval rules that count it go on counting it. What removing
     * the row did otherwise still happens: its idempotency key is free for a new submit, and its
     * upload credentials are gone (never republished). False when it was not a finished, live job.
     */
    public Uni<Boolean> deleteTerminal(SqlClient tx, String jobId) {
        return tx.preparedQuery("""
                        WITH deleted AS (
                            UPDATE webhook.job SET deleted_at = now(), idempotency_key = NULL
                            WHERE job_id = $1 AND status IN ('completed', 'failed', 'cancelled') AND deleted_at IS NULL
                            RETURNING job_id),
                        credentials AS (
                            DELETE FROM webhook.upload_credential c USING deleted d WHERE c.job_id = d.job_id)
                        SELECT count(*) FROM deleted""")
                .execute(Tuple.of(jobId)).map(rows -> rows.iterator().next().getLong(0) == 1);
    }

    public record Page(List<JobRow> jobs, long total) {
    }

    /** Newest first; {@code after} is a keyset cursor (created_at, job_id) of the previous page's last job. */
    public Uni<Page> list(Optional<JobStatus> status, Optional<Provider> provider, int limit, int offset,
                          Optional<JobCursor> after) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder("WHERE " + LIVE);
        status.ifPresent(s -> {
            params.add(s.wire());
            where.append(" AND status = $").append(params.size());
        });
        provider.ifPresent(p -> {
            params.add(p.wire());
            where.append(" AND provider = $").append(params.size());
        });
        String filter = where.toString();
        List<Object> countParams = List.copyOf(params);
        StringBuilder page = new StringBuilder(filter);
        after.ifPresent(c -> {
            params.add(c.createdAt());
            params.add(c.jobId());
            page.append(" AND (created_at, job_id) < ($").append(params.size() - 1).append(", $").append(params.size()).append(")");
        });
        params.add(limit);
        params.add(after.isPresent() ? 0 : offset);
        String sql = SELECT + page + " ORDER BY created_at DESC, job_id DESC LIMIT $" + (params.size() - 1)
                + " OFFSET $" + params.size();
        Uni<List<JobRow>> rows = deadlines.database(pool.preparedQuery(sql).execute(Tuple.from(params))).map(JobRepository::all);
        Uni<Long> total = deadlines.database(pool.preparedQuery("SELECT count(*) FROM webhook.job " + filter)
                .execute(Tuple.from(countParams))).map(r -> r.iterator().next().getLong(0));
        return Uni.combine().all().unis(rows, total).with(Page::new);
    }

    /** What a provider's jobs created since {@code since} have cost so far (cost limits), deleted ones included. */
    public Uni<BigDecimal> spentSince(Provider provider, OffsetDateTime since) {
        return deadlines.database(pool.preparedQuery("SELECT coalesce(sum(cost_usd), 0) FROM webhook.job WHERE provider = $1 AND created_at >= $2")
                .execute(Tuple.of(provider.wire(), since))).map(r -> r.iterator().next().getBigDecimal(0));
    }

    public record StatusTotals(long jobs, BigDecimal costUsd, double durationSum, long durationJobs) {
    }

    /** Maintained totals per status wire name (see V3__jobs.sql): no scan of the job table. */
    public Uni<Map<String, StatusTotals>> totals() {
        return deadlines.database(pool.query("""
                        SELECT status, sum(jobs) AS jobs, sum(cost_usd) AS cost_usd, sum(duration_sum) AS duration_sum,
                               sum(duration_jobs) AS duration_jobs
                        FROM (SELECT status, jobs, cost_usd, duration_sum, duration_jobs FROM webhook.job_totals
                              UNION ALL
                              SELECT status, jobs, cost_usd, duration_sum, duration_jobs FROM webhook.job_totals_delta) t
                        GROUP BY status""").execute()).map(rows -> {
            Map<String, StatusTotals> totals = new LinkedHashMap<>();
            rows.forEach(r -> totals.put(r.getString("status"), new StatusTotals(r.getLong("jobs"),
                    r.getBigDecimal("cost_usd"), r.getDouble("duration_sum"), r.getLong("duration_jobs"))));
            return totals;
        });
    }

    /** Folds the deltas into the totals; concurrent compactions on other replicas skip locked rows. */
    public Uni<Integer> compactTotals() {
        return deadlines.database(pool.query("""
                        WITH moved AS (
                            DELETE FROM webhook.job_totals_delta WHERE id IN (
                                SELECT id FROM webhook.job_totals_delta ORDER BY id LIMIT 50000 FOR UPDATE SKIP LOCKED)
                            RETURNING status, jobs, cost_usd, duration_sum, duration_jobs),
                        folded AS (
                            SELECT status, sum(jobs) AS jobs, sum(cost_usd) AS cost_usd, sum(duration_sum) AS duration_sum,
                                   sum(duration_jobs) AS duration_jobs, count(*) AS n
                            FROM moved GROUP BY status),
                        applied AS (
                            INSERT INTO webhook.job_totals (status, jobs, cost_usd, duration_sum, duration_jobs)
                            SELECT status, jobs, cost_usd, duration_sum, duration_jobs FROM folded
                            ON CONFLICT (status) DO UPDATE SET jobs = job_totals.jobs + EXCLUDED.jobs,
                                cost_usd = job_totals.cost_usd + EXCLUDED.cost_usd,
                                duration_sum = job_totals.duration_sum + EXCLUDED.duration_sum,
                                duration_jobs = job_totals.duration_jobs + EXCLUDED.duration_jobs)
                        SELECT coalesce(sum(n), 0)::int FROM folded""").execute())
                .map(r -> r.iterator().next().getInteger(0));
    }

    /** Unfinished jobs of a provider not heard of for {@code quiet}: candidates for asking the provider. */
    public Uni<List<JobRow>> quietUnfinished(Provider provider, Duration quiet, int limit) {
        return quietFor("status IN ('pending', 'queued', 'running') AND provider_job_id IS NOT NULL", provider, quiet, limit);
    }

    /**
     * Jobs of a provider pending without the provider's id for {@code quiet} since they were
     * handed to it (a release from approval moves updated_at): submissions that were interrupted.
     */
    public Uni<List<JobRow>> abandonedSubmissions(Provider provider, Duration quiet, int limit) {
        return quietFor("status = 'pending' AND provider_job_id IS NULL", provider, quiet, limit);
    }

    /** Up to {@code limit} jobs of a provider matching {@code condition}, not changed for {@code quiet}, quietest first. */
    private Uni<List<JobRow>> quietFor(String condition, Provider provider, Duration quiet, int limit) {
        return deadlines.database(pool.preparedQuery(SELECT + "WHERE " + condition + " AND provider = $1 "
                        + "AND updated_at < now() - make_interval(secs => $2) ORDER BY updated_at LIMIT $3")
                .execute(Tuple.of(provider.wire(), (double) quiet.toMillis() / 1000.0, limit))).map(JobRepository::all);
    }

    public Uni<Integer> forgetDeliveriesBefore(Duration age) {
        return deadlines.database(pool.preparedQuery("DELETE FROM webhook.webhook_delivery WHERE received_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) age.toSeconds()))).map(rows -> rows.rowCount());
    }

    private static Optional<JobRow> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(JobRow.of(rows.iterator().next()));
    }

    private static List<JobRow> all(RowSet<Row> rows) {
        List<JobRow> jobs = new ArrayList<>(rows.size());
        rows.forEach(r -> jobs.add(JobRow.of(r)));
        return jobs;
    }
}
