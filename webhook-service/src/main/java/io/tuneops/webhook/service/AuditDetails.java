package io.tuneops.webhook.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

/**
 * The details of this service's audit events, one record per event type. The audit schema shared by
 * every service carries details as a free-form JSON object (AuditEvent's map), since each event
 * type has its own; {@link #of} turns a record into that object, nulls kept.
 */
final class AuditDetails {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private AuditDetails() {
    }

    record JobSubmitted(Provider provider, String name, String hardware) {
    }

    record JobCancelled(Provider provider, JobStatus previous_status) {
    }

    record WebhookRejected(Provider provider, String path, String client_ip, String reason) {
    }

    record WebhookIgnored(String reason, String provider_job_id, String webhook_id) {
    }

    /** {@code webhook_allowed_ips} only when the change set the allowlist. */
    record ProviderConfigured(List<String> fields,
                              @JsonInclude(JsonInclude.Include.NON_NULL) List<String> webhook_allowed_ips) {
    }

    static Map<String, Object> of(Record details) {
        return JSON.convertValue(details, OBJECT);
    }
}
