package io.tuneops.webhook.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tuneops.support.audit.AuditDetails;

import java.util.List;

/** The details of this service's audit events, one record per event type; nulls are written. */
final class WebhookAuditDetails {

    private WebhookAuditDetails() {
    }

    record JobSubmitted(Provider provider, String name, String hardware) implements AuditDetails {
    }

    record JobCancelled(Provider provider, JobStatus previous_status) implements AuditDetails {
    }

    record WebhookRejected(Provider provider, String path, String client_ip, String reason) implements AuditDetails {
    }

    record WebhookIgnored(String reason, String provider_job_id, String webhook_id) implements AuditDetails {
    }

    /** {@code webhook_allowed_ips} only when the change set the allowlist. */
    record ProviderConfigured(List<String> fields,
                              @JsonInclude(JsonInclude.Include.NON_NULL) List<String> webhook_allowed_ips)
            implements AuditDetails {
    }
}
