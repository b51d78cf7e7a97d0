package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.notify.Severity;
import io.tuneops.webhook.service.notify.StoredEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** webhook.notification_event (the outbox) as the router reads it, and its retention. */
@ApplicationScoped
public class NotificationEventRepository {

    static final String COLUMNS = "seq, event_id, event_type, severity, occurred_at, job_id, user_id, team_id, org_id, data";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public NotificationEventRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Pool pool() {
        return pool;
    }

    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work) {
        return deadlines.transaction(pool, work);
    }

    /** The oldest unrouted events, locked for this transaction; those another router holds are skipped. */
    public Uni<List<StoredEvent>> claimUnrouted(SqlClient tx, int limit) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM webhook.notification_event WHERE routed_at IS NULL "
                        + "ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(limit)).map(rows -> {
                    List<StoredEvent> events = new ArrayList<>(rows.size());
                    rows.forEach(r -> events.add(of(r, "")));
                    return events;
                });
    }

    /** One delivery per event and channel (ON CONFLICT: a delivery written before stays as it is), then the events marked routed. */
    public Uni<Void> writeRoutes(SqlClient tx, List<StoredEvent> events, Map<String, Map<String, Set<String>>> routes) {
        List<Tuple> deliveries = new ArrayList<>();
        routes.forEach((eventId, channels) -> channels.forEach((channelId, recipients) ->
                deliveries.add(Tuple.of(eventId, channelId, recipients.toArray(new String[0])))));
        Uni<Void> inserted = deliveries.isEmpty() ? Uni.createFrom().voidItem()
                : tx.preparedQuery("INSERT INTO webhook.notification_delivery (event_id, channel_id, recipients) "
                        + "VALUES ($1, $2, $3) ON CONFLICT (event_id, channel_id) DO NOTHING").executeBatch(deliveries).replaceWithVoid();
        Long[] seqs = events.stream().map(StoredEvent::seq).toArray(Long[]::new);
        return inserted.chain(() -> tx.preparedQuery("UPDATE webhook.notification_event SET routed_at = now() WHERE seq = ANY($1)")
                .execute(Tuple.of(seqs)).replaceWithVoid());
    }

    /**
     * Deletes up to {@code limit} routed events that occurred before {@code retention} ago and
     * whose deliveries are all finished (their deliveries go with them); how many were deleted.
     */
    public Uni<Integer> deleteExpired(Duration retention, int limit) {
        return deadlines.database(pool.preparedQuery("""
                        DELETE FROM webhook.notification_event WHERE seq IN (
                          SELECT e.seq FROM webhook.notification_event e
                           WHERE e.occurred_at < now() - $1 * interval '1 millisecond' AND e.routed_at IS NOT NULL
                             AND NOT EXISTS (SELECT 1 FROM webhook.notification_delivery d
                                              WHERE d.event_id = e.event_id AND d.status IN ('pending', 'delivering'))
                           ORDER BY e.occurred_at LIMIT $2)""")
                .execute(Tuple.of(retention.toMillis(), limit))).map(rows -> rows.rowCount());
    }

    /** Reads the event columns of {@code r}, whose names carry {@code prefix}. */
    static StoredEvent of(Row r, String prefix) {
        JsonObject data = r.getJsonObject(prefix + "data");
        return new StoredEvent(r.getLong(prefix + "seq"), r.getString(prefix + "event_id"), r.getString(prefix + "event_type"),
                Severity.fromWire(r.getString(prefix + "severity")).orElse(Severity.INFO), r.getOffsetDateTime(prefix + "occurred_at"),
                r.getString(prefix + "job_id"), r.getString(prefix + "user_id"), r.getString(prefix + "team_id"),
                r.getString(prefix + "org_id"), data == null ? new JsonObject() : data);
    }
}
