package io.tuneops.webhook.service.notify;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Who hears which events on which channel; or, as a mute ({@code channelId} null), a user's wish
 * not to hear of their own jobs' routine events on their own or their teams' preferences.
 *
 * @param eventType an {@link EventPattern}
 */
public record Preference(String id, String channelId, PreferenceScope scope, String scopeId, String eventType,
                         Severity minSeverity, boolean enabled, boolean mute, List<String> recipients, String createdBy,
                         OffsetDateTime createdAt) {

    public Preference {
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }
}
