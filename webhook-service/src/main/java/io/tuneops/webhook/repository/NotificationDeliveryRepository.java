package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.notify.AttemptOutcome;
import io.tuneops.webhook.service.notify.ChannelType;
import io.tuneops.webhook.service.notify.ClaimedDelivery;
import io.tuneops.webhook.service.notify.DeliveryEntry;
import io.tuneops.webhook.service.notify.DeliveryStatus;
import io.tuneops.webhook.service.notify.HistoryFilter;
import io.tuneops.webhook.service.notify.Severity;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** webhook.notification_delivery: claims with a lease, outcomes, the history and its figures. */
@ApplicationScoped
public class NotificationDeliveryRepository {

    /** The channel the dispatchers LISTEN on; the outbox and delivery triggers notify it too (V7__notifications.sql). */
    public static final String WAKE_CHANNEL = "tuneops_notifications";

    private static final String ENTRY = """
            SELECT d.id, d.event_id, e.event_type, e.severity, d.channel_id, c.name AS channel_name, c.channel_type,
                   d.recipients, d.status, d.attempts, d.last_status_code, d.last_error, d.latency_ms, d.delivered_at,
                   d.updated_at, d.created_at, d.next_attempt_at, e.job_id
              FROM webhook.notification_delivery d
              JOIN webhook.notification_event e ON e.event_id = d.event_id
              JOIN webhook.notification_channel c ON c.id = d.channel_id
            """;

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public NotificationDeliveryRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, work, beforeCommit);
    }

    /**
     * Claims up to {@code limit} due deliveries of enabled channels: pending ones whose time has
     * come, and delivering ones whose lease ran out (their dispatcher died). Each gets a lease and
     * one more attempt, in one statement: rows another dispatcher is claiming are skipped, and a
     * row claimed meanwhile no longer qualifies when rechecked under its lock.
     */
    public Uni<List<ClaimedDelivery>> claim(int limit, Duration lease) {
        return deadlines.database(pool.preparedQuery("""
                        WITH due AS (
                          SELECT d.id FROM webhook.notification_delivery d
                            JOIN webhook.notification_channel c ON c.id = d.channel_id
                           WHERE d.status IN ('pending', 'delivering') AND d.next_attempt_at <= now()
                             AND (d.status = 'pending' OR d.lease_until < now()) AND c.is_enabled
                           ORDER BY d.next_attempt_at, d.id
                           LIMIT $1
                           FOR UPDATE OF d SKIP LOCKED)
                        UPDATE webhook.notification_delivery d
                           SET status = 'delivering', attempts = d.attempts + 1,
                               lease_until = now() + $2 * interval '1 millisecond', updated_at = now()
                          FROM due, webhook.notification_event e, webhook.notification_channel c
                         WHERE d.id = due.id AND e.event_id = d.event_id AND c.id = d.channel_id
                        RETURNING d.id AS delivery_id, d.attempts AS delivery_attempts, d.recipients AS delivery_recipients,
                                  e.seq, e.event_id, e.event_type, e.severity, e.occurred_at, e.job_id, e.user_id, e.team_id,
                                  e.org_id, e.data, c.id, c.name, c.channel_type, c.is_enabled, c.settings,
                                  c.secret_ciphertext IS NOT NULL AS secret_configured, c.org_id AS channel_org_id,
                                  c.created_by, c.created_at, c.updated_at, c.secret_ciphertext""")
                .execute(Tuple.of(limit, lease.toMillis()))).map(rows -> {
                    List<ClaimedDelivery> claimed = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        String[] recipients = r.getArrayOfStrings("delivery_recipients");
                        // e.org_id and c.org_id: the channel's is read under its alias
                        NotificationChannelRepository.WithSecret channel = NotificationChannelRepository.withSecret(r, "channel_org_id");
                        claimed.add(new ClaimedDelivery(r.getLong("delivery_id"), r.getInteger("delivery_attempts"),
                                recipients == null ? List.of() : List.of(recipients), NotificationEventRepository.of(r, ""),
                                channel.channel(), channel.sealedSecret()));
                    }
                    return claimed;
                });
    }

    /** Records an attempt's outcome, unless the claim was lost (another dispatcher took the delivery over); whether it was recorded. */
    public Uni<Boolean> complete(ClaimedDelivery claim, AttemptOutcome outcome) {
        return deadlines.database(pool.preparedQuery("""
                        UPDATE webhook.notification_delivery
                           SET status = $3, lease_until = NULL, last_status_code = $4, last_error = $5, latency_ms = $6,
                               next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + $7 * interval '1 millisecond'
                                                      ELSE next_attempt_at END,
                               delivered_at = CASE WHEN $3 = 'delivered' THEN now() END, updated_at = now()
                         WHERE id = $1 AND attempts = $2 AND status = 'delivering'""")
                .execute(Tuple.from(new Object[]{claim.id(), claim.attempts(), outcome.status().wire(), outcome.statusCode(),
                        outcome.error(), outcome.latencyMs(), outcome.retryAfter() == null ? 0L : outcome.retryAfter().toMillis()})))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<List<DeliveryEntry>> history(HistoryFilter f) {
        return deadlines.database(pool.preparedQuery(ENTRY + where() + " ORDER BY d.created_at DESC, d.id DESC LIMIT $7 OFFSET $8")
                .execute(Tuple.from(new Object[]{f.channelId(), f.eventType(), f.status() == null ? null : f.status().wire(),
                        f.jobId(), f.since(), f.until(), f.limit(), f.offset()}))).map(NotificationDeliveryRepository::entries);
    }

    public Uni<Long> count(HistoryFilter f) {
        return deadlines.database(pool.preparedQuery("SELECT count(*) FROM webhook.notification_delivery d "
                        + "JOIN webhook.notification_event e ON e.event_id = d.event_id " + where())
                .execute(Tuple.from(new Object[]{f.channelId(), f.eventType(), f.status() == null ? null : f.status().wire(),
                        f.jobId(), f.since(), f.until()}))).map(rows -> rows.iterator().next().getLong(0));
    }

    private static String where() {
        return "WHERE ($1::text IS NULL OR d.channel_id = $1) AND ($2::text IS NULL OR e.event_type = $2) "
                + "AND ($3::text IS NULL OR d.status = $3) AND ($4::text IS NULL OR e.job_id = $4) "
                + "AND ($5::timestamptz IS NULL OR d.created_at >= $5) AND ($6::timestamptz IS NULL OR d.created_at < $6)";
    }

    public Uni<Optional<DeliveryEntry>> find(long id) {
        return deadlines.database(find(pool, id));
    }

    /** The delivery as {@code client} sees it: in a transaction, with the transaction's own changes. */
    public Uni<Optional<DeliveryEntry>> find(SqlClient client, long id) {
        return client.preparedQuery(ENTRY + "WHERE d.id = $1").execute(Tuple.of(id)).map(rows -> entries(rows).stream().findFirst());
    }

    /** The status of a delivery, locked for the change made in {@code tx}; empty when there is none. */
    public Uni<Optional<DeliveryStatus>> lockStatus(SqlClient tx, long id) {
        return tx.preparedQuery("SELECT status FROM webhook.notification_delivery WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : DeliveryStatus.fromWire(rows.iterator().next().getString("status")));
    }

    /** Makes a failed delivery due now with a fresh set of attempts, and wakes the dispatchers when the transaction commits. */
    public Uni<Void> requeue(SqlClient tx, long id) {
        return tx.preparedQuery("UPDATE webhook.notification_delivery SET status = 'pending', attempts = 0, next_attempt_at = now(), "
                        + "lease_until = NULL, updated_at = now() WHERE id = $1").execute(Tuple.of(id))
                .chain(() -> tx.preparedQuery("SELECT pg_notify($1, 'retry')").execute(Tuple.of(WAKE_CHANNEL)))
                .replaceWithVoid();
    }

    /** The figures of the status route. */
    public record Stats(long pending, long delivering, long delivered24h, long failed, Double oldestPendingSeconds,
                        OffsetDateTime lastDeliveryAt) {
    }

    public Uni<Stats> stats() {
        return deadlines.database(pool.query("""
                        SELECT (SELECT count(*) FROM webhook.notification_delivery WHERE status = 'pending') AS pending,
                               (SELECT count(*) FROM webhook.notification_delivery WHERE status = 'delivering') AS delivering,
                               (SELECT count(*) FROM webhook.notification_delivery
                                 WHERE delivered_at > now() - interval '24 hours') AS delivered_24h,
                               (SELECT count(*) FROM webhook.notification_delivery WHERE status = 'failed') AS failed,
                               (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM webhook.notification_delivery
                                 WHERE status = 'pending') AS oldest_pending_seconds,
                               (SELECT max(delivered_at) FROM webhook.notification_delivery) AS last_delivery_at""").execute())
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Stats(r.getLong("pending"), r.getLong("delivering"), r.getLong("delivered_24h"), r.getLong("failed"),
                            r.getDouble("oldest_pending_seconds"), r.getOffsetDateTime("last_delivery_at"));
                });
    }

    /** Deliveries not yet done (pending or delivering) and failed ones: the two gauges. */
    public Uni<long[]> backlog() {
        return deadlines.database(pool.query("""
                        SELECT (SELECT count(*) FROM webhook.notification_delivery WHERE status IN ('pending', 'delivering')),
                               (SELECT count(*) FROM webhook.notification_delivery WHERE status = 'failed')""").execute())
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new long[]{r.getLong(0), r.getLong(1)};
                });
    }

    private static List<DeliveryEntry> entries(RowSet<Row> rows) {
        List<DeliveryEntry> entries = new ArrayList<>(rows.size());
        for (Row r : rows) {
            String[] recipients = r.getArrayOfStrings("recipients");
            int attempts = r.getInteger("attempts");
            entries.add(new DeliveryEntry(r.getLong("id"), r.getString("event_id"), r.getString("event_type"),
                    Severity.fromWire(r.getString("severity")).orElse(Severity.INFO), r.getString("channel_id"),
                    r.getString("channel_name"), ChannelType.fromWire(r.getString("channel_type")).orElse(null),
                    recipients == null ? List.of() : List.of(recipients),
                    DeliveryStatus.fromWire(r.getString("status")).orElseThrow(), attempts, r.getInteger("last_status_code"),
                    r.getString("last_error"), r.getInteger("latency_ms"), r.getOffsetDateTime("delivered_at"),
                    attempts > 0 ? r.getOffsetDateTime("updated_at") : null, r.getOffsetDateTime("created_at"),
                    r.getOffsetDateTime("next_attempt_at"), r.getString("job_id")));
        }
        return entries;
    }
}
