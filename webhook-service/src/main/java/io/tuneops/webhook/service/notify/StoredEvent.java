package io.tuneops.webhook.service.notify;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.Optional;

/** An outbox row (webhook.notification_event). The type is kept as written: a type this build does not know routes nowhere. */
public record StoredEvent(long seq, String eventId, String eventType, Severity severity, OffsetDateTime occurredAt,
                          String jobId, String userId, String teamId, String orgId, JsonObject data) {

    public Optional<NotificationEventType> type() {
        return NotificationEventType.fromWire(eventType);
    }
}
