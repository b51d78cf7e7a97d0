package io.tuneops.storage.service;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * storage-service's side of the audit event schema: JSON in the {@code event} field of the
 * {@code tuneops:audit:events} Redis stream (same fields as every other producer). Never secrets.
 */
public record AuditEvent(String id, String time, String type, String actor, String actor_ip, String target_type,
                         String target_id, String action, Map<String, Object> details) implements io.tuneops.support.audit.AuditRecord {

    public static AuditEvent of(String type, String actor, String actorIp, String targetType, String targetId,
                                String action, Map<String, Object> details) {
        return new AuditEvent(UUID.randomUUID().toString(), Instant.now().toString(), type, actor, actorIp,
                targetType, targetId, action, details);
    }
}
