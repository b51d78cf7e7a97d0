package io.tuneops.webhook.client.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.service.notify.Notification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;

/**
 * Posts to a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): a plain-text
 * fallback and Block Kit blocks with the message, the link and the event's type and severity.
 */
@ApplicationScoped
public class SlackSender {

    private final NotificationHttp http;

    public SlackSender(NotificationHttp http) {
        this.http = http;
    }

    public Uni<SendResult> send(String webhookUrl, Notification n, Duration timeout) {
        return http.postJson(webhookUrl, Map.of(), payload(n).encode(), timeout);
    }

    static JsonObject payload(Notification n) {
        String text = n.title() + ": " + n.message() + (n.url() == null ? "" : " " + n.url());
        String section = "*" + escape(n.title()) + "*\n" + escape(n.message())
                + (n.url() == null ? "" : "\n<" + n.url() + "|Open in tuneops>");
        return new JsonObject().put("text", text).put("blocks", new JsonArray()
                .add(new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn").put("text", section)))
                .add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(new JsonObject()
                        .put("type", "mrkdwn").put("text", n.eventType() + " · " + n.severity().wire())))));
    }

    /** Slack's three control characters in mrkdwn. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
