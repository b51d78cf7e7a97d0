package io.tuneops.webhook.service.notify;

import io.tuneops.support.audit.AuditDetails;

import java.util.List;

/** The details of the notification audit events; names of changed fields only, never a secret or an address list. */
final class NotificationAuditDetails {

    private NotificationAuditDetails() {
    }

    /** {@code fields}: the fields the request set (a secret's name, never its value); {@code secret_changed}: set, replaced or removed. */
    record ChannelChanged(String name, ChannelType channel_type, Boolean is_enabled, List<String> fields, boolean secret_changed)
            implements AuditDetails {
    }

    record PreferenceChanged(String channel_id, String event_type, Severity min_severity, PreferenceScope scope, String scope_id,
                             boolean mute, boolean is_enabled, int recipients) implements AuditDetails {
    }

    record DeliveryRetried(String event_id, String channel_id, int previous_attempts) implements AuditDetails {
    }

    record SetupSkipped(boolean skipped) implements AuditDetails {
    }
}
