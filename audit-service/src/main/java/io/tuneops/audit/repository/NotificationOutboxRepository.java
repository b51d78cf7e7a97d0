package io.tuneops.audit.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** audit.notification_outbox, written here and emptied by the service's OutboxRelay; and the breaks it reported. */
@ApplicationScoped
public class NotificationOutboxRepository {

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public NotificationOutboxRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    /**
     * Queues {@code payload} (NotificationEventPayload JSON) unless the break at
     * {@code firstBrokenSeq} was reported before, in one statement; true when it was queued.
     */
    public Uni<Boolean> queueChainBreak(long firstBrokenSeq, String reason, String eventId, String payload) {
        return deadlines.database(pool.preparedQuery("WITH reported AS (INSERT INTO audit.reported_chain_breaks (first_broken_seq, reason) "
                                + "VALUES ($1, $2) ON CONFLICT (first_broken_seq) DO NOTHING RETURNING first_broken_seq) "
                                + "INSERT INTO audit.notification_outbox (event_id, payload) SELECT $3, $4::text::jsonb FROM reported "
                                + "ON CONFLICT (event_id) DO NOTHING")
                        .execute(Tuple.of(firstBrokenSeq, reason, eventId, payload)))
                .map(rows -> rows.rowCount() == 1);
    }
}
