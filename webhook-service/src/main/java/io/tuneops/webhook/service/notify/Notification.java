package io.tuneops.webhook.service.notify;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * An event made ready for people: what every channel sends, rendered at dispatch from the event's data.
 *
 * @param eventType the wire name ({@code test} for a channel test)
 * @param url       the console page to act on; null when there is none
 */
public record Notification(String eventId, String eventType, Severity severity, OffsetDateTime occurredAt, JsonObject data,
                           String title, String message, String url) {
}
