package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.notify.NotificationEventPayload;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Events other services hand over from their own outboxes (POST /internal/notifications/events).
 * Stored once per event id, so a relay that sends an event again (it crashed before deleting its
 * row) changes nothing.
 */
@ApplicationScoped
public class NotificationIngest {

    private final NotificationOutbox outbox;
    private final Pool pool;
    private final StoreDeadlines deadlines;

    public NotificationIngest(NotificationOutbox outbox, Pool pool, StoreDeadlines deadlines) {
        this.outbox = outbox;
        this.pool = pool;
        this.deadlines = deadlines;
    }

    /** Stores a valid event ({@link NotificationOutbox#problem}); true when it was new. */
    public Uni<Boolean> accept(NotificationEventPayload event) {
        return deadlines.database(outbox.record(pool, event));
    }
}
