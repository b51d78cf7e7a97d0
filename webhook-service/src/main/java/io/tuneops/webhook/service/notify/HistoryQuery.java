package io.tuneops.webhook.service.notify;

import io.tuneops.webhook.service.FieldError;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The history's query parameters, validated: limit 1 to 500 (50), offset from 0, ISO-8601 times with an offset. */
public final class HistoryQuery {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public record Parsed(HistoryFilter filter, List<FieldError> errors) {
    }

    private HistoryQuery() {
    }

    public static Parsed parse(String limit, String offset, String channelId, String eventType, String status, String jobId,
                               String since, String until) {
        List<FieldError> errors = new ArrayList<>();
        int l = (int) number(limit, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, errors);
        long o = number(offset, "offset", 0, Long.MAX_VALUE / 2, 0, errors);
        DeliveryStatus s = null;
        if (status != null && !status.isBlank()) {
            s = DeliveryStatus.fromWire(status).orElse(null);
            if (s == null) {
                errors.add(new FieldError("status", "one of pending, delivering, delivered, failed"));
            }
        }
        return new Parsed(new HistoryFilter(l, o, blankToNull(channelId), blankToNull(eventType), s, blankToNull(jobId),
                time(since, "since", errors), time(until, "until", errors)), errors);
    }

    private static long number(String value, String field, long min, long max, long otherwise, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(field, "a whole number from " + min + (max < Long.MAX_VALUE / 2 ? " to " + max : "")));
        return otherwise;
    }

    private static OffsetDateTime time(String value, String field, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip());
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "an ISO-8601 time with an offset, e.g. 2026-01-31T12:00:00Z"));
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
