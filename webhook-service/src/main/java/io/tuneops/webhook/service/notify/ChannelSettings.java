package io.tuneops.webhook.service.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What may be shown of a channel (webhook.notification_channel.settings); the write-only part (SMTP
 * password, Slack URL, webhook secret) is kept sealed beside it. Fields that do not apply to the
 * channel's type are null.
 *
 * @param eventTypes a webhook endpoint's own subscription (patterns, see {@link EventPattern}); empty otherwise
 */
public record ChannelSettings(String smtpHost, Integer smtpPort, String smtpUsername, SmtpSecurity smtpSecurity,
                              String fromAddress, String fromName, String webhookUrl, List<String> eventTypes,
                              String description) {

    public ChannelSettings {
        eventTypes = eventTypes == null ? List.of() : List.copyOf(eventTypes);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        put(json, "smtp_host", smtpHost);
        put(json, "smtp_port", smtpPort);
        put(json, "smtp_username", smtpUsername);
        put(json, "smtp_security", smtpSecurity == null ? null : smtpSecurity.wire());
        put(json, "smtp_from_address", fromAddress);
        put(json, "smtp_from_name", fromName);
        put(json, "webhook_url", webhookUrl);
        put(json, "description", description);
        if (!eventTypes.isEmpty()) {
            json.put("event_types", new JsonArray(eventTypes));
        }
        return json;
    }

    public static ChannelSettings fromJson(JsonObject json) {
        JsonObject j = json == null ? new JsonObject() : json;
        JsonArray types = j.getJsonArray("event_types", new JsonArray());
        return new ChannelSettings(j.getString("smtp_host"), j.getInteger("smtp_port"), j.getString("smtp_username"),
                SmtpSecurity.fromWire(j.getString("smtp_security")).orElse(null), j.getString("smtp_from_address"),
                j.getString("smtp_from_name"), j.getString("webhook_url"),
                types.stream().map(String::valueOf).toList(), j.getString("description"));
    }

    private static void put(JsonObject json, String field, Object value) {
        if (value != null) {
            json.put(field, value);
        }
    }
}
