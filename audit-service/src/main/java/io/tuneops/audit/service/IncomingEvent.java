package io.tuneops.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tuneops.support.SharedNames;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;

/**
 * audit-service's side of the event schema every service appends to the audit stream
 * ({@link SharedNames#AUDIT_STREAM}, JSON in the {@code event} field): id, time, type, actor,
 * actor_ip, target_type, target_id, action, details. An event that does not fit is set aside,
 * never guessed at.
 *
 * <p>Everything PostgreSQL or the chain's hash would refuse is refused here, before the event
 * joins a batch: one such event would otherwise roll back the whole batch it came in, every time
 * it is delivered again.
 */
public record IncomingEvent(String id, Instant time, String type, String actor, String actorIp, String targetType,
                            String targetId, String action, JsonNode details) {

    /** PostgreSQL's timestamptz reaches further, but the hash's ISO 8601 encoding has four-digit years. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /**
     * The indexed text columns: a btree entry must fit in about 2700 bytes, and target_type and
     * target_id share one index.
     */
    static final int MAX_TEXT_BYTES = 2048;
    static final String TRUNCATED = "\u2026";
    static final int MAX_TARGET_TYPE = 64;

    public static IncomingEvent parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("an audit event is a JSON object");
        }
        String id = text(json, "id");
        String type = text(json, "type");
        String time = text(json, "time");
        if (id == null || id.isBlank() || id.length() > 128 || type == null || type.isBlank() || type.length() > 64
                || time == null) {
            throw new IllegalArgumentException("an audit event needs id, type and time");
        }
        String targetType = text(json, "target_type");
        if (targetType != null && targetType.length() > MAX_TARGET_TYPE) {
            throw new IllegalArgumentException("target_type is longer than " + MAX_TARGET_TYPE + " characters");
        }
        JsonNode details = json.get("details");
        if (details != null && !details.isNull()) {
            if (!details.isObject()) {
                throw new IllegalArgumentException("details must be a JSON object");
            }
            checkValues(details, "details");
        }
        return new IncomingEvent(id, instant(time), type, bounded(json, "actor"), bounded(json, "actor_ip"), targetType,
                bounded(json, "target_id"), bounded(json, "action"),
                details == null || details.isNull() ? JsonNodeFactory.instance.objectNode() : details);
    }

    private static Instant instant(String time) {
        Instant parsed;
        try {
            // PostgreSQL keeps microseconds: the hash must cover what is stored
            parsed = Instant.parse(time).truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time is not an ISO 8601 instant");
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw new IllegalArgumentException("time is outside the years 1 to 9999");
        }
        return parsed;
    }

    /** A field that is absent, null or a string: anything else is not what a producer meant. */
    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        String value = node.textValue();
        checkString(value, field);
        return value;
    }

    /**
     * A text column, cut to what its index holds, marked with a trailing ellipsis: a producer's
     * long value (a rate-limited request's path, up to the gateway's 4 KB URL) is still an event the
     * trail must keep, and a refusal would let a padded URL keep its failures out of the chain.
     */
    private static String bounded(JsonNode json, String field) {
        String value = text(json, field);
        if (value == null || value.getBytes(StandardCharsets.UTF_8).length <= MAX_TEXT_BYTES) {
            return value;
        }
        int budget = MAX_TEXT_BYTES - TRUNCATED.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            kept.appendCodePoint(codePoint);
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return kept.append(TRUNCATED).toString();
    }

    private static void checkValues(JsonNode node, String path) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                checkString(field.getKey(), path + " key");
                checkValues(field.getValue(), path + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                checkValues(item, path + "[]");
            }
        } else if (node.isTextual()) {
            checkString(node.textValue(), path);
        } else if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
            // jsonb has no infinity, and the canonical encoding writes every number as a plain decimal
            throw new IllegalArgumentException(path + " is a number out of range");
        }
    }

    /**
     * PostgreSQL text and jsonb cannot hold U+0000, and a lone surrogate would be stored as
     * something else than what the hash covers.
     */
    private static void checkString(String value, String where) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                throw new IllegalArgumentException(where + " contains U+0000");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(where + " contains an unpaired surrogate");
            }
        }
    }
}
