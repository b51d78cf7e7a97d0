package io.tuneops.webhook.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A job snapshot in Replicate's shape, as Replicate posts it and as the generic provider reports:
 * {"id", "status", "logs", "output", "error", "metrics": {"predict_time"}, "started_at", "completed_at"}.
 */
public record Snapshot(String id, String status, String logs, Object output, String error, Double predictTime,
                       OffsetDateTime startedAt, OffsetDateTime completedAt) {

    /** A year and a day: no training runs longer, and a larger figure is a provider's bug, not a run time. */
    public static final double MAX_PREDICT_TIME_SECONDS = 366 * 86_400;

    /** A snapshot that cannot be applied as it stands; the message names the field. */
    public static final class Invalid extends IllegalArgumentException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** @throws IllegalArgumentException naming what is wrong with the body */
    public static Snapshot parse(JsonObject body) {
        Object id = body.getValue("id");
        if (!(id instanceof String s) || s.isBlank() || s.length() > 200 || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'id' must be the job's id (a non-empty string)");
        }
        Object status = body.getValue("status");
        if (!(status instanceof String st) || JobStatus.fromProvider(st).isEmpty()) {
            throw new IllegalArgumentException("'status' must be one of starting, processing, succeeded, failed, canceled");
        }
        Object logs = body.getValue("logs");
        if (logs != null && !(logs instanceof String)) {
            throw new IllegalArgumentException("'logs' must be a string");
        }
        Object error = body.getValue("error");
        Double predictTime = null;
        Object metrics = body.getValue("metrics");
        if (metrics instanceof JsonObject m && m.getValue("predict_time") != null) {
            if (!(m.getValue("predict_time") instanceof Number n) || !(n.doubleValue() >= 0)
                    || n.doubleValue() > MAX_PREDICT_TIME_SECONDS) {
                throw new IllegalArgumentException("'metrics.predict_time' must be a number of seconds from 0 to "
                        + (long) MAX_PREDICT_TIME_SECONDS);
            }
            predictTime = n.doubleValue();
        } else if (metrics != null && !(metrics instanceof JsonObject)) {
            throw new IllegalArgumentException("'metrics' must be an object");
        }
        return new Snapshot(s, st, (String) logs, body.getValue("output"),
                error == null ? null : error instanceof String e ? e : error.toString(), predictTime,
                time(body, "started_at"), time(body, "completed_at"));
    }

    private static OffsetDateTime time(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.toString());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be an ISO 8601 time with offset");
        }
    }

    /**
     * This snapshot with every NUL character in its text (logs, error, output's strings and keys)
     * replaced by U+FFFD: PostgreSQL's text and jsonb cannot hold NUL, and a training's log may
     * well contain one, which must not make every report of the job a refusal.
     */
    public Snapshot withoutNul() {
        return new Snapshot(id, status, scrub(logs), scrubbed(output), scrub(error), predictTime, startedAt, completedAt);
    }

    private static String scrub(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    private static Object scrubbed(Object value) {
        if (value instanceof String text) {
            return scrub(text);
        }
        if (value instanceof JsonObject object) {
            JsonObject out = new JsonObject();
            object.forEach(e -> out.put(scrub(e.getKey()), scrubbed(e.getValue())));
            return out;
        }
        if (value instanceof JsonArray array) {
            JsonArray out = new JsonArray();
            array.forEach(v -> out.add(scrubbed(v)));
            return out;
        }
        return value;
    }

    public JobStatus mapped() {
        return JobStatus.fromProvider(status).orElseThrow();
    }
}
