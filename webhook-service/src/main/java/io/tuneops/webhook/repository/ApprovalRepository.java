package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.approval.ApprovalCondition;
import io.tuneops.webhook.service.approval.ApprovalRequest;
import io.tuneops.webhook.service.approval.ApprovalRule;
import io.tuneops.webhook.service.approval.ApprovalStatus;
import io.tuneops.webhook.service.approval.Submitter;
import io.tuneops.webhook.service.approval.Submitter.Role;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** webhook.approval_rule and webhook.approval_request; enums are stored as their wire names. */
@ApplicationScoped
public class ApprovalRepository {

    private static final String RULE_COLUMNS = "id, name, description, condition, threshold, is_active, priority, "
            + "applies_to_provider, applies_to_level, exempt_levels, required_approver_level, created_at, created_by";
    private static final String REQUEST_COLUMNS = "id, job_id, user_id, submitted_by, rule_id, status, reason, provider, "
            + "config_name, estimated_cost, hardware_type, required_role, reviewed_by, reviewed_at, review_notes, "
            + "created_at, expires_at";
    private static final String SELECT_RULE = "SELECT " + RULE_COLUMNS + " FROM webhook.approval_rule ";
    private static final String SELECT_REQUEST = "SELECT " + REQUEST_COLUMNS + " FROM webhook.approval_request ";
    /** pg_advisory_xact_lock key of the expiry sweep: "tuneops approvals expiry" folded to a bigint. */
    private static final long EXPIRY_LOCK = 0x7475_6E65_6170_7278L;

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public ApprovalRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    /** One transaction whose last step before the COMMIT (audit events) must succeed in the time left. */
    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, work, beforeCommit);
    }

    // ---- rules ----

    public Uni<List<ApprovalRule>> rules(boolean activeOnly) {
        return deadlines.database(pool.query(SELECT_RULE + (activeOnly ? "WHERE is_active " : "")
                + "ORDER BY priority DESC, created_at, id").execute()).map(rows -> all(rows, ApprovalRepository::rule));
    }

    /** The active rules in the order a submission tries them: highest priority first, then the oldest. */
    public Uni<List<ApprovalRule>> activeRules(SqlClient tx) {
        return tx.query(SELECT_RULE + "WHERE is_active ORDER BY priority DESC, created_at, id").execute()
                .map(rows -> all(rows, ApprovalRepository::rule));
    }

    public Uni<Optional<ApprovalRule>> rule(String id) {
        return deadlines.database(pool.preparedQuery(SELECT_RULE + "WHERE id = $1").execute(Tuple.of(id)))
                .map(rows -> first(rows, ApprovalRepository::rule));
    }

    /** The rule, locked until the transaction ends, so that concurrent changes apply one after the other. */
    public Uni<Optional<ApprovalRule>> lockRule(SqlClient tx, String id) {
        return tx.preparedQuery(SELECT_RULE + "WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
                .map(rows -> first(rows, ApprovalRepository::rule));
    }

    public Uni<ApprovalRule> insertRule(SqlClient tx, ApprovalRule r) {
        return tx.preparedQuery("INSERT INTO webhook.approval_rule (id, name, description, condition, threshold, is_active, "
                        + "priority, applies_to_provider, applies_to_level, exempt_levels, required_approver_level, created_by) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING " + RULE_COLUMNS)
                .execute(ruleTuple(r).addString(r.createdBy()))
                .map(rows -> first(rows, ApprovalRepository::rule).orElseThrow());
    }

    /** Writes every changeable field; empty when the rule is gone. */
    public Uni<Optional<ApprovalRule>> updateRule(SqlClient tx, ApprovalRule r) {
        return tx.preparedQuery("UPDATE webhook.approval_rule SET name = $2, description = $3, condition = $4, threshold = $5, "
                        + "is_active = $6, priority = $7, applies_to_provider = $8, applies_to_level = $9, exempt_levels = $10, "
                        + "required_approver_level = $11, updated_at = now() WHERE id = $1 RETURNING " + RULE_COLUMNS)
                .execute(ruleTuple(r)).map(rows -> first(rows, ApprovalRepository::rule));
    }

    public Uni<Boolean> deleteRule(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM webhook.approval_rule WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Tuple ruleTuple(ApprovalRule r) {
        return Tuple.from(new Object[]{r.id(), r.name(), r.description(), r.condition().wire(), r.threshold(), r.active(),
                r.priority(), r.appliesToProvider() == null ? null : r.appliesToProvider().wire(),
                r.appliesToLevel() == null ? null : r.appliesToLevel().wire(),
                r.exemptLevels().stream().map(Role::wire).toArray(String[]::new), r.requiredApproverLevel().wire()});
    }

    // ---- what rules count ----

    /** The submitter's jobs other than {@code jobId}: created since {@code since}, and ever. */
    public record JobHistory(long since, long ever) {
    }

    /**
     * Takes the transaction-scoped advisory lock {@code key}, which the transaction holds to its
     * end: concurrent submits of one person count their history one after the other, each seeing
     * the jobs the ones before committed (READ COMMITTED: a statement sees what was committed before
     * it started).
     */
    public Uni<Void> lockHistory(SqlClient tx, long key) {
        return tx.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(key)).replaceWithVoid();
    }

    public Uni<JobHistory> jobHistory(SqlClient tx, Submitter submitter, OffsetDateTime since, String jobId) {
        // a person's jobs whatever key they used; a credential of no user counts as itself. Deleted
        // jobs count too: deleting one must not make room under daily_jobs_exceed or first_job
        String who = submitter.userId() != null ? "user_id = $1" : "user_id IS NULL AND submitted_by = $1";
        return tx.preparedQuery("SELECT count(*) FILTER (WHERE created_at >= $2) AS since, count(*) AS ever "
                        + "FROM webhook.job WHERE " + who + " AND job_id <> $3")
                .execute(Tuple.of(submitter.userId() != null ? submitter.userId() : submitter.actor(), since, jobId))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new JobHistory(r.getLong("since"), r.getLong("ever"));
                });
    }

    // ---- requests ----

    public Uni<ApprovalRequest> insertRequest(SqlClient tx, ApprovalRequest r, Duration expiry) {
        return tx.preparedQuery("INSERT INTO webhook.approval_request (id, job_id, user_id, submitted_by, rule_id, status, "
                        + "reason, provider, config_name, estimated_cost, hardware_type, required_role, expires_at) "
                        + "VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11, now() + make_interval(secs => $12)) "
                        + "RETURNING " + REQUEST_COLUMNS)
                .execute(Tuple.from(new Object[]{r.id(), r.jobId(), r.userId(), r.submittedBy(), r.ruleId(), r.reason(),
                        r.provider().wire(), r.configName(), r.estimatedCost(), r.hardwareType(), r.requiredRole().wire(),
                        expiry.toMillis() / 1000.0}))
                .map(rows -> first(rows, ApprovalRepository::request).orElseThrow());
    }

    public Uni<Optional<ApprovalRequest>> request(String id) {
        return deadlines.database(pool.preparedQuery(SELECT_REQUEST + "WHERE id = $1").execute(Tuple.of(id)))
                .map(rows -> first(rows, ApprovalRepository::request));
    }

    /** The job's latest request. */
    public Uni<Optional<ApprovalRequest>> requestForJob(String jobId) {
        return deadlines.database(pool.preparedQuery(SELECT_REQUEST + "WHERE job_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
                .execute(Tuple.of(jobId))).map(rows -> first(rows, ApprovalRepository::request));
    }

    /** Newest first; {@code submitter} narrows to one person's requests. */
    public Uni<List<ApprovalRequest>> requests(Optional<ApprovalStatus> status, Optional<Submitter> submitter, int limit,
                                               int offset) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder("WHERE true");
        status.ifPresent(s -> {
            params.add(s.wire());
            where.append(" AND status = $").append(params.size());
        });
        submitter.ifPresent(s -> {
            params.add(s.userId() != null ? s.userId() : s.actor());
            where.append(s.userId() != null ? " AND user_id = $" : " AND user_id IS NULL AND submitted_by = $")
                    .append(params.size());
        });
        params.add(limit);
        params.add(offset);
        return deadlines.database(pool.preparedQuery(SELECT_REQUEST + where + " ORDER BY created_at DESC, id DESC LIMIT $"
                        + (params.size() - 1) + " OFFSET $" + params.size()).execute(Tuple.from(params)))
                .map(rows -> all(rows, ApprovalRepository::request));
    }

    /** Requests per status, every status present (0 when none). */
    public Uni<Map<ApprovalStatus, Long>> countsByStatus() {
        return deadlines.database(pool.query("SELECT status, count(*) AS n FROM webhook.approval_request GROUP BY status")
                .execute()).map(rows -> {
            Map<ApprovalStatus, Long> counts = new EnumMap<>(ApprovalStatus.class);
            Arrays.stream(ApprovalStatus.values()).forEach(s -> counts.put(s, 0L));
            rows.forEach(r -> counts.put(ApprovalStatus.of(r.getString("status")), r.getLong("n")));
            return counts;
        });
    }

    public Uni<Long> pendingCount() {
        return deadlines.database(pool.query("SELECT count(*) FROM webhook.approval_request WHERE status = 'pending'")
                .execute()).map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Locks the job row a decision changes, before the request row: the order job cancellation
     * takes them in (job, then its request), so the two never wait on each other in a cycle.
     */
    public Uni<Void> lockJob(SqlClient tx, String jobId) {
        return tx.preparedQuery("SELECT 1 FROM webhook.job WHERE job_id = $1 FOR UPDATE").execute(Tuple.of(jobId))
                .replaceWithVoid();
    }

    /**
     * The decision itself, exactly once: moves a pending request that has not expired to {@code to};
     * empty when it is no longer pending (another approver, a cancel or the expiry came first).
     */
    public Uni<Optional<ApprovalRequest>> decide(SqlClient tx, String id, ApprovalStatus to, String reviewer, String notes) {
        return tx.preparedQuery("UPDATE webhook.approval_request SET status = $2, reviewed_by = $3, reviewed_at = now(), "
                        + "review_notes = $4 WHERE id = $1 AND status = 'pending' AND expires_at > now() RETURNING " + REQUEST_COLUMNS)
                .execute(Tuple.of(id, to.wire(), reviewer, notes)).map(rows -> first(rows, ApprovalRepository::request));
    }

    /** Closes the job's pending request, if any, as {@code to}. */
    public Uni<Optional<ApprovalRequest>> closeForJob(SqlClient tx, String jobId, ApprovalStatus to, String reviewer,
                                                      String notes) {
        return tx.preparedQuery("UPDATE webhook.approval_request SET status = $2, reviewed_by = $3, reviewed_at = now(), "
                        + "review_notes = $4 WHERE job_id = $1 AND status = 'pending' RETURNING " + REQUEST_COLUMNS)
                .execute(Tuple.of(jobId, to.wire(), reviewer, notes)).map(rows -> first(rows, ApprovalRepository::request));
    }

    /** Whether this transaction holds the expiry sweep's lock (until it ends); false while another replica sweeps. */
    public Uni<Boolean> tryExpiryLock(SqlClient tx) {
        return tx.preparedQuery("SELECT pg_try_advisory_xact_lock($1)").execute(Tuple.of(EXPIRY_LOCK))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** The jobs of up to {@code limit} overdue pending requests, oldest deadline first. */
    public Uni<List<String>> overdueJobs(SqlClient tx, int limit) {
        return tx.preparedQuery("SELECT job_id FROM webhook.approval_request WHERE status = 'pending' AND expires_at <= now() "
                        + "ORDER BY expires_at LIMIT $1").execute(Tuple.of(limit))
                .map(rows -> all(rows, r -> r.getString("job_id")));
    }

    /** Locks these jobs in one order (see {@link #lockJob}), then expires their overdue pending requests. */
    public Uni<List<ApprovalRequest>> expire(SqlClient tx, List<String> jobIds, String reviewer, String notes) {
        String[] ids = jobIds.stream().sorted().toArray(String[]::new);
        return tx.preparedQuery("SELECT 1 FROM webhook.job WHERE job_id = ANY($1) ORDER BY job_id FOR UPDATE")
                .execute(Tuple.of(ids))
                .chain(() -> tx.preparedQuery("UPDATE webhook.approval_request SET status = 'expired', reviewed_by = $2, "
                                + "reviewed_at = now(), review_notes = $3 WHERE job_id = ANY($1) AND status = 'pending' "
                                + "AND expires_at <= now() RETURNING " + REQUEST_COLUMNS)
                        .execute(Tuple.of(ids, reviewer, notes)))
                .map(rows -> all(rows, ApprovalRepository::request));
    }

    // ---- rows ----

    private static ApprovalRule rule(Row r) {
        return new ApprovalRule(r.getString("id"), r.getString("name"), r.getString("description"),
                ApprovalCondition.fromWire(r.getString("condition")).orElseThrow(), r.getString("threshold"),
                r.getBoolean("is_active"), r.getInteger("priority"),
                r.getString("applies_to_provider") == null ? null : Provider.of(r.getString("applies_to_provider")),
                role(r.getString("applies_to_level")),
                Arrays.stream(r.getArrayOfStrings("exempt_levels")).map(ApprovalRepository::role).toList(),
                role(r.getString("required_approver_level")), r.getOffsetDateTime("created_at"), r.getString("created_by"));
    }

    private static ApprovalRequest request(Row r) {
        return new ApprovalRequest(r.getString("id"), r.getString("job_id"), r.getString("user_id"),
                r.getString("submitted_by"), r.getString("rule_id"), ApprovalStatus.of(r.getString("status")),
                r.getString("reason"), Provider.of(r.getString("provider")), r.getString("config_name"),
                r.getBigDecimal("estimated_cost"), r.getString("hardware_type"), role(r.getString("required_role")),
                r.getString("reviewed_by"), r.getOffsetDateTime("reviewed_at"), r.getString("review_notes"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("expires_at"));
    }

    private static Role role(String wire) {
        return wire == null ? null : Role.fromWire(wire).orElseThrow(() -> new IllegalStateException("unknown role " + wire));
    }

    private static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> map) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(map.apply(rows.iterator().next()));
    }

    private static <T> List<T> all(RowSet<Row> rows, Function<Row, T> map) {
        List<T> list = new ArrayList<>(rows.size());
        rows.forEach(r -> list.add(map.apply(r)));
        return list;
    }
}
