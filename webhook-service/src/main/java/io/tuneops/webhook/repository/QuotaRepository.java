package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.quota.Quota;
import io.tuneops.webhook.service.quota.QuotaAction;
import io.tuneops.webhook.service.quota.QuotaScope;
import io.tuneops.webhook.service.quota.QuotaSubject;
import io.tuneops.webhook.service.quota.QuotaType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** webhook.quota, and what the jobs of a quota's scope add up to. */
@ApplicationScoped
public class QuotaRepository {

    private static final String COLUMNS = "quota_id, quota_type, limit_value, action, scope, org_id, team_id, user_id, "
            + "created_at, created_by";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM webhook.quota ";
    /** A job in one of these states holds its reservation (see V5__quotas.sql). */
    private static final String ACTIVE = "status IN ('pending_approval', 'pending', 'queued', 'running')";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public QuotaRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    /** One transaction whose last step before the COMMIT (an audit event) must succeed in the time left (see StoreDeadlines). */
    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, work, beforeCommit);
    }

    public Uni<Quota> insert(SqlClient tx, Quota q) {
        return tx.preparedQuery("INSERT INTO webhook.quota (quota_id, quota_type, limit_value, action, scope, org_id, team_id, "
                        + "user_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING " + COLUMNS)
                .execute(Tuple.from(new Object[]{q.id(), q.type().wire(), q.limit(), q.action().wire(), q.scope().wire(),
                        q.orgId(), q.teamId(), q.userId(), q.createdBy()}))
                .map(rows -> of(rows.iterator().next()));
    }

    /** Deletes a quota; the deleted one, empty when there was none. */
    public Uni<Optional<Quota>> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM webhook.quota WHERE quota_id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.of(id)).map(QuotaRepository::first);
    }

    public Uni<Optional<Quota>> find(String id) {
        return deadlines.database(pool.preparedQuery(SELECT + "WHERE quota_id = $1").execute(Tuple.of(id)))
                .map(QuotaRepository::first);
    }

    /** Every quota, or those of one scope's owner: an organisation's own, or a team's. */
    public Uni<List<Quota>> list(Optional<QuotaScope> scope, String ownerId) {
        Uni<RowSet<Row>> rows = scope.isEmpty()
                ? pool.query(SELECT + "ORDER BY created_at, quota_id").execute()
                : pool.preparedQuery(SELECT + "WHERE scope = $1 AND " + (scope.get() == QuotaScope.TEAM ? "team_id" : "org_id")
                + " = $2 ORDER BY created_at, quota_id").execute(Tuple.of(scope.get().wire(), ownerId));
        return deadlines.database(rows).map(QuotaRepository::all);
    }

    /** The quotas that apply to a submit of {@code subject}: global ones and those of its organisation, team and user. */
    public Uni<List<Quota>> applicable(SqlClient client, QuotaSubject subject) {
        return client.preparedQuery(SELECT + "WHERE scope = 'global' OR (scope = 'org' AND org_id = $1) "
                        + "OR (scope = 'team' AND team_id = $2) OR (scope = 'user' AND user_id = $3)")
                .execute(Tuple.of(subject.orgId(), subject.teamId(), subject.userId())).map(QuotaRepository::all);
    }

    public Uni<List<Quota>> applicable(QuotaSubject subject) {
        return deadlines.database(applicable(pool, subject));
    }

    /**
     * Takes the transaction-scoped advisory locks of {@code keys} in ascending order: every submit
     * takes its locks in this one order, so two submits never wait on each other in a cycle. The
     * sort runs below the aggregate that calls the lock function, so it fixes the order.
     */
    public Uni<Void> lockInOrder(SqlClient tx, List<Long> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest($1::bigint[]) AS k ORDER BY 1) s")
                .execute(Tuple.of(keys.toArray(new Long[0]))).replaceWithVoid();
    }

    /**
     * What each quota's scope adds up to now, in one statement: jobs that hold a reservation, jobs
     * submitted in the rolling hour or day, and the projected spend of the UTC day or month (finished
     * jobs of the period at their cost, unfinished ones at the larger of their cost so far and their
     * estimate). Run after {@link #lockInOrder}: in READ COMMITTED each statement sees every commit
     * made before it started, so it sees the jobs of whoever held the locks before.
     * {@code excludedJob}, when not null, is left out: the job being submitted, already inserted.
     * Deleted jobs count like any other (see V9__job_soft_delete.sql): deleting a finished job hands
     * back neither its place in a window nor its cost.
     */
    public Uni<Map<Quota, BigDecimal>> usage(SqlClient client, QuotaSubject subject, List<Quota> quotas, String excludedJob) {
        if (quotas.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Object> params = new ArrayList<>();
        Map<String, String> scopePredicates = new LinkedHashMap<>();
        List<String> figures = new ArrayList<>();
        List<String> windows = new ArrayList<>();
        boolean needsActive = false;
        for (Quota q : quotas) {
            String scope = scopePredicates.computeIfAbsent(q.scopeKey(), k -> predicate(q.scope(), subject, params));
            String expression = switch (q.type()) {
                case CONCURRENT_JOBS -> "count(*) FILTER (WHERE " + scope + " AND " + ACTIVE + ")";
                case JOBS_PER_HOUR -> "count(*) FILTER (WHERE " + scope + " AND created_at >= " + HOUR + ")";
                case JOBS_PER_DAY -> "count(*) FILTER (WHERE " + scope + " AND created_at >= " + DAY + ")";
                case COST_DAILY -> projected(scope, TODAY);
                case COST_MONTHLY -> projected(scope, MONTH);
            };
            figures.add(expression + "::numeric");
            switch (q.type()) {
                case CONCURRENT_JOBS -> { }
                case JOBS_PER_HOUR -> windows.add(HOUR);
                case JOBS_PER_DAY -> windows.add(DAY);
                case COST_DAILY -> windows.add(TODAY);
                case COST_MONTHLY -> windows.add(MONTH);
            }
            needsActive |= q.type() == QuotaType.CONCURRENT_JOBS || q.type().cost();
        }
        String rows = windows.isEmpty() ? ACTIVE
                : (needsActive ? ACTIVE + " OR " : "") + "created_at >= least(" + String.join(", ", windows) + ")";
        String excluded = "";
        if (excludedJob != null) {
            params.add(excludedJob);
            excluded = " AND job_id <> $" + params.size();
        }
        String sql = "SELECT " + String.join(", ", figures) + " FROM webhook.job WHERE ("
                + String.join(" OR ", scopePredicates.values()) + ") AND (" + rows + ")" + excluded;
        return client.preparedQuery(sql).execute(Tuple.from(params)).map(result -> {
            Row row = result.iterator().next();
            Map<Quota, BigDecimal> usage = new LinkedHashMap<>();
            for (int i = 0; i < quotas.size(); i++) {
                usage.put(quotas.get(i), row.getBigDecimal(i));
            }
            return usage;
        });
    }

    public Uni<Map<Quota, BigDecimal>> usage(QuotaSubject subject, List<Quota> quotas) {
        return deadlines.database(usage(pool, subject, quotas, null));
    }

    /** The organisation and team of a user's latest job: what their quotas are measured under when they are not the caller. */
    public Uni<QuotaSubject> lastMembership(String userId) {
        return deadlines.database(pool.preparedQuery("SELECT org_id, team_id FROM webhook.job WHERE user_id = $1 "
                        + "ORDER BY created_at DESC LIMIT 1").execute(Tuple.of(userId)))
                .map(rows -> rows.size() == 0 ? new QuotaSubject(userId, null, null)
                        : new QuotaSubject(userId, rows.iterator().next().getString("org_id"), rows.iterator().next().getString("team_id")));
    }

    private static final String HOUR = "now() - interval '1 hour'";
    private static final String DAY = "now() - interval '1 day'";
    private static final String TODAY = "(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')";
    private static final String MONTH = "(date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')";

    private static String projected(String scope, String periodStart) {
        return "coalesce(sum(CASE WHEN " + ACTIVE + " THEN greatest(cost_usd, coalesce(estimated_cost_usd, 0)) ELSE cost_usd END) "
                + "FILTER (WHERE " + scope + " AND (" + ACTIVE + " OR created_at >= " + periodStart + ")), 0)";
    }

    /** The rows of a scope; adds its parameter. A scope the subject has no member of (no team) matches nothing. */
    private static String predicate(QuotaScope scope, QuotaSubject subject, List<Object> params) {
        String column;
        String value;
        switch (scope) {
            case GLOBAL -> {
                return "true";
            }
            case ORG -> {
                column = "org_id";
                value = subject.orgId();
            }
            case TEAM -> {
                column = "team_id";
                value = subject.teamId();
            }
            default -> {
                column = "user_id";
                value = subject.userId();
            }
        }
        if (value == null) {
            return "false";
        }
        params.add(value);
        return column + " = $" + params.size();
    }

    private static Quota of(Row r) {
        return new Quota(r.getString("quota_id"), QuotaType.fromWire(r.getString("quota_type")).orElseThrow(),
                r.getBigDecimal("limit_value"), QuotaAction.fromWire(r.getString("action")).orElseThrow(),
                QuotaScope.fromWire(r.getString("scope")).orElseThrow(), r.getString("org_id"), r.getString("team_id"),
                r.getString("user_id"), r.getOffsetDateTime("created_at"), r.getString("created_by"));
    }

    private static Optional<Quota> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(of(rows.iterator().next()));
    }

    private static List<Quota> all(RowSet<Row> rows) {
        List<Quota> quotas = new ArrayList<>(rows.size());
        rows.forEach(r -> quotas.add(of(r)));
        return quotas;
    }
}
