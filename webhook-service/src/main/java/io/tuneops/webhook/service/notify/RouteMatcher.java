package io.tuneops.webhook.service.notify;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which channels an event goes to, and to whom there: every enabled preference whose pattern,
 * minimum severity and scope match, plus every webhook endpoint subscribed to the event. A user's
 * mute of a routine (info) event of their own drops the matches of user and team preferences;
 * preferences for everyone or an organisation are an administrator's and stay.
 */
public final class RouteMatcher {

    private RouteMatcher() {
    }

    /** Channel id to the union of its matching preferences' recipients, in preference order. */
    public static Map<String, Set<String>> route(StoredEvent event, Collection<Preference> preferences,
                                                 Map<String, Channel> enabledChannels) {
        Map<String, Set<String>> routes = new LinkedHashMap<>();
        NotificationEventType type = event.type().orElse(null);
        if (type == null) {
            return routes;
        }
        boolean muted = muted(event, type, preferences);
        for (Preference p : preferences) {
            if (!p.enabled() || p.mute() || !enabledChannels.containsKey(p.channelId())
                    || !EventPattern.matches(p.eventType(), type) || !event.severity().atLeast(p.minSeverity())
                    || !inScope(p, event)) {
                continue;
            }
            if (muted && (p.scope() == PreferenceScope.USER || p.scope() == PreferenceScope.TEAM)) {
                continue;
            }
            routes.computeIfAbsent(p.channelId(), id -> new LinkedHashSet<>()).addAll(p.recipients());
        }
        for (Channel channel : enabledChannels.values()) {
            if (channel.type() == ChannelType.WEBHOOK && subscribed(channel.settings().eventTypes(), type)) {
                routes.computeIfAbsent(channel.id(), id -> new LinkedHashSet<>());
            }
        }
        return routes;
    }

    private static boolean muted(StoredEvent event, NotificationEventType type, Collection<Preference> preferences) {
        if (event.userId() == null || event.severity() != Severity.INFO) {
            return false;
        }
        return preferences.stream().anyMatch(p -> p.enabled() && p.mute() && p.scope() == PreferenceScope.USER
                && event.userId().equals(p.scopeId()) && EventPattern.matches(p.eventType(), type));
    }

    private static boolean inScope(Preference p, StoredEvent event) {
        return switch (p.scope()) {
            case EVERYONE -> true;
            case ORG -> p.scopeId().equals(event.orgId());
            case TEAM -> p.scopeId().equals(event.teamId());
            case USER -> p.scopeId().equals(event.userId());
        };
    }

    private static boolean subscribed(List<String> patterns, NotificationEventType type) {
        return patterns.stream().anyMatch(pattern -> EventPattern.matches(pattern, type));
    }
}
