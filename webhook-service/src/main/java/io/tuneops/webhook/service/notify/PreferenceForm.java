package io.tuneops.webhook.service.notify;

import io.tuneops.webhook.service.FieldError;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A preference body validated for the one who sends it. The scope defaults to the caller's own
 * ("user") for a non-admin and to "everyone" for an admin; a non-admin may only name themselves.
 * Whether the channel exists (and takes recipients) is checked against the stored channel.
 */
public final class PreferenceForm {

    private static final Set<String> FIELDS = Set.of("event_type", "channel_id", "is_enabled", "min_severity", "recipients",
            "scope", "scope_id", "mute");

    /** A valid body: the preference without id and channel check; or what is wrong, and whether it is a matter of access. */
    public record Parsed(Preference preference, List<FieldError> errors, String forbidden) {
    }

    private PreferenceForm() {
    }

    public static Parsed parse(JsonObject body, Requester by) {
        FormReader in = new FormReader(body);
        in.onlyFields(FIELDS);
        String eventType = in.text("event_type", 100);
        if (!EventPattern.valid(eventType)) {
            in.error("event_type", "required, " + EventPattern.expected());
        }
        Boolean muteValue = in.bool("mute");
        boolean mute = Boolean.TRUE.equals(muteValue);
        String channelId = in.optionalText("channel_id", 64);
        if (mute && channelId != null) {
            in.error("channel_id", "a mute names no channel");
        } else if (!mute && channelId == null) {
            in.error("channel_id", "required (GET /api/cloud/notifications/channels)");
        }
        Boolean enabled = in.bool("is_enabled");
        String severityValue = in.text("min_severity", 20);
        Severity minSeverity = severityValue == null ? Severity.INFO : Severity.fromWire(severityValue).orElse(null);
        if (minSeverity == null) {
            in.error("min_severity", "one of " + String.join(", ", Arrays.stream(Severity.values()).map(Severity::wire).toList()));
        }
        List<String> recipients = in.texts("recipients", 100, 320);
        if (recipients != null) {
            for (String r : recipients) {
                if (!ChannelForm.EMAIL.matcher(r).matches()) {
                    in.error("recipients", "'" + r + "' is not an e-mail address");
                }
            }
            if (mute && !recipients.isEmpty()) {
                in.error("recipients", "a mute has no recipients");
            }
        }
        String scopeValue = in.text("scope", 20);
        PreferenceScope scope = scopeValue == null ? (by.admin() ? PreferenceScope.EVERYONE : PreferenceScope.USER)
                : PreferenceScope.fromWire(scopeValue).orElse(null);
        if (scope == null) {
            in.error("scope", "one of " + String.join(", ", Arrays.stream(PreferenceScope.values()).map(PreferenceScope::wire).toList()));
        }
        if (mute && scopeValue == null) {
            scope = PreferenceScope.USER;
        }
        String scopeId = in.optionalText("scope_id", 128);
        if (scope == PreferenceScope.USER && scopeId == null) {
            scopeId = by.userId();
        }
        String forbidden = null;
        if (!by.admin()) {
            if (by.userId() == null) {
                forbidden = "Preferences of a person need a person's key; this credential belongs to no user";
            } else if (scope != null && scope != PreferenceScope.USER || !by.userId().equals(scopeId)) {
                forbidden = "Only an admin may set preferences beyond scope 'user' of your own (scope_id " + by.userId() + ")";
            }
        }
        if (scope == PreferenceScope.EVERYONE && scopeId != null) {
            in.error("scope_id", "a preference for everyone names no scope_id");
        } else if (scope != null && scope != PreferenceScope.EVERYONE && scopeId == null) {
            in.error("scope_id", "required for scope " + scope.wire());
        }
        if (mute && scope != null && scope != PreferenceScope.USER) {
            in.error("mute", "a mute is a user's own: scope 'user'");
        }
        if (!in.errors().isEmpty() || forbidden != null) {
            return new Parsed(null, in.errors(), forbidden);
        }
        return new Parsed(new Preference(NotificationIds.preference(), channelId, scope, scopeId, eventType, minSeverity,
                enabled == null || enabled, mute, recipients, by.actor(), null), List.of(), null);
    }
}
