package io.tuneops.webhook.service.notify;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** Where a channel sends: an SMTP server, a Slack-compatible incoming webhook, or a Standard Webhooks endpoint. */
public enum ChannelType {
    EMAIL, SLACK, WEBHOOK;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ChannelType> fromWire(String value) {
        for (ChannelType t : values()) {
            if (t.wire().equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
