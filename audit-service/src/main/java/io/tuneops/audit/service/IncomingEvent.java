package io.tuneops.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tuneops.support.SharedNames;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * audit-service's side of the event schema every service appends to the audit stream
 * ({@link SharedNames#AUDIT_STREAM}, JSON in the {@code event} field): id, time, type, actor,
 * actor_ip, target_type, target_id, action, details. An event that does not fit is set aside,
 * never guessed at.
 */
public record IncomingEvent(String id, Instant time, String type, String actor, String actorIp, String targetType,
                            String targetId, String action, JsonNode details) {

    public static IncomingEvent parse(JsonNode json) {
        String id = text(json, "id");
        String type = text(json, "type");
        String time = text(json, "time");
        if (id == null || id.isBlank() || id.length() > 128 || type == null || type.isBlank() || type.length() > 64
                || time == null) {
            throw new IllegalArgumentException("an audit event needs id, type and time");
        }
        JsonNode details = json.get("details");
        // PostgreSQL keeps microseconds: the hash must cover what is stored
        return new IncomingEvent(id, Instant.parse(time).truncatedTo(ChronoUnit.MICROS), type, text(json, "actor"),
                text(json, "actor_ip"), text(json, "target_type"), text(json, "target_id"), text(json, "action"),
                details == null || details.isNull() ? JsonNodeFactory.instance.objectNode() : details);
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
