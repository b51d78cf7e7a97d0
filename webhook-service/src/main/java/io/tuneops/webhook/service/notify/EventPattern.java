package io.tuneops.webhook.service.notify;

import java.util.Arrays;

/** Which events a preference or a webhook endpoint asks for: one event type, a family ({@code job.*}) or every event ({@code *}). */
public final class EventPattern {

    public static final String EVERY = "*";

    private EventPattern() {
    }

    /** Whether {@code pattern} is one of the three forms and names a known type or family. */
    public static boolean valid(String pattern) {
        if (pattern == null) {
            return false;
        }
        if (EVERY.equals(pattern)) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            String family = pattern.substring(0, pattern.length() - 2);
            return Arrays.stream(NotificationEventType.values()).anyMatch(t -> t.family().equals(family));
        }
        return NotificationEventType.fromWire(pattern).isPresent();
    }

    public static boolean matches(String pattern, NotificationEventType type) {
        return EVERY.equals(pattern) || pattern.equals(type.wire()) || pattern.equals(type.family() + ".*");
    }

    /** What a caller is told when a pattern is not valid. */
    public static String expected() {
        return "an event type (GET /api/cloud/notifications/events), a family such as 'job.*', or '*'";
    }
}
