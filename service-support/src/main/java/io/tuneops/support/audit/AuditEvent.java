package io.tuneops.support.audit;

import io.tuneops.support.SharedNames;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One entry for the audit trail, in the event schema every service appends to the
 * audit stream ({@link SharedNames#AUDIT_STREAM}; one field, {@code event}, holding this as JSON).
 * audit-service stores it hash-chained. Details never carry secrets.
 */
public record AuditEvent(String id, String time, String type, String actor, String actor_ip, String target_type,
                         String target_id, String action, AuditDetails details) {

    public static AuditEvent of(String type, String actor, String actorIp, String targetType, String targetId,
                                String action, AuditDetails details) {
        return new AuditEvent(UUID.randomUUID().toString(), Instant.now().toString(), type, actor, actorIp,
                targetType, targetId, action, details);
    }

    /** For details whose fields are only known at run time; see {@link AuditDetails#of(Map)}. */
    public static AuditEvent of(String type, String actor, String actorIp, String targetType, String targetId,
                                String action, Map<String, ?> details) {
        return of(type, actor, actorIp, targetType, targetId, action, AuditDetails.of(details));
    }
}
