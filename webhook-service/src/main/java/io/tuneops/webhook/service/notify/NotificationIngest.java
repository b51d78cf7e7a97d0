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

    /** What is wrong with the event, or null when it can be stored. */
    public static String problem(NotificationEventPayload event) {
        if (event == null) {
            return "A JSON object describing one event is required";
        }
        if (event.eventId() == null || !NotificationOutbox.EVENT_ID.matcher(event.eventId()).matches()) {
            return "event_id must be 1 to 120 characters of A-Z a-z 0-9 _ . : -";
        }
        if (NotificationEventType.fromWire(event.eventType()).isEmpty()) {
            return "Unknown event_type '" + shown(event.eventType()) + "' (GET /api/cloud/notifications/events)";
        }
        if (event.severity() != null && Severity.fromWire(event.severity()).isEmpty()) {
            return "severity must be one of info, warning, error, critical";
        }
        if (event.data() != null && !event.data().isNull() && !event.data().isObject()) {
            return "data must be a JSON object";
        }
        return null;
    }

    /** Stores a valid event; true when it was new. */
    public Uni<Boolean> accept(NotificationEventPayload event) {
        return deadlines.database(outbox.record(pool, event));
    }

    private static String shown(String value) {
        return value == null ? "" : value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }
}
