package io.tuneops.support.audit;

/**
 * What {@link AuditLog} needs to know of a service's audit event. The event itself (its JSON
 * shape on the shared stream) is each producer's own record, held to audit-service's by tests.
 */
public interface AuditRecord {

    String type();

    String target_id();
}
