package io.tuneops.webhook.client.notify;

import com.standardwebhooks.Webhook;
import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.service.notify.Notification;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Posts an event to a Standard Webhooks endpoint, signed with the endpoint's {@code whsec_} secret
 * by the reference library. The {@code webhook-id} is the event's id on every attempt, so a
 * receiver drops a redelivery; the timestamp is the attempt's, as the receiver's tolerance window
 * expects.
 */
@ApplicationScoped
public class StandardWebhookSender {

    private final NotificationHttp http;

    public StandardWebhookSender(NotificationHttp http) {
        this.http = http;
    }

    public Uni<SendResult> send(String url, String secret, Notification n, Duration timeout) {
        String body = payload(n).encode();
        long timestamp = System.currentTimeMillis() / 1000;
        String signature;
        try {
            signature = new Webhook(secret).sign(n.eventId(), timestamp, body);
        } catch (Exception e) {
            return Uni.createFrom().item(SendResult.failed(null, "the endpoint's signing secret is not usable", 0));
        }
        return http.postJson(url, Map.of("webhook-id", n.eventId(), "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", signature), body, timeout);
    }

    /** {"type", "timestamp", "data": {...the event's data, event_id, severity, title, message, url}}. */
    static JsonObject payload(Notification n) {
        JsonObject data = n.data().copy().put("event_id", n.eventId()).put("severity", n.severity().wire())
                .put("title", n.title()).put("message", n.message()).put("url", n.url());
        return new JsonObject().put("type", n.eventType())
                .put("timestamp", n.occurredAt().withOffsetSameInstant(ZoneOffset.UTC).toString()).put("data", data);
    }
}
