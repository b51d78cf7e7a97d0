package io.tuneops.webhook.service.notify;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Optional;

/** Every event a person can be notified of, with the severity it has unless its producer says otherwise. */
public enum NotificationEventType {
    JOB_SUBMITTED("job.submitted", "Jobs", Severity.INFO, "Job submitted", "A job was accepted and is waiting to start"),
    JOB_STARTED("job.started", "Jobs", Severity.INFO, "Job started", "A job began running at its provider"),
    JOB_COMPLETED("job.completed", "Jobs", Severity.INFO, "Job completed", "A job finished successfully"),
    JOB_FAILED("job.failed", "Jobs", Severity.ERROR, "Job failed", "A job ended with an error"),
    JOB_CANCELLED("job.cancelled", "Jobs", Severity.WARNING, "Job cancelled", "A job was cancelled"),
    JOB_STALLED("job.stalled", "Jobs", Severity.WARNING, "Job stalled",
            "A running job has sent neither a progress report nor an upload for the configured time"),
    UPLOAD_COMPLETED("upload.completed", "Uploads", Severity.INFO, "Checkpoint uploaded",
            "The first or the last checkpoint of a job was uploaded"),
    APPROVAL_REQUESTED("approval.requested", "Approvals", Severity.WARNING, "Approval requested",
            "A job waits for someone to approve it"),
    APPROVAL_APPROVED("approval.approved", "Approvals", Severity.INFO, "Approval granted", "A held job was approved"),
    APPROVAL_REJECTED("approval.rejected", "Approvals", Severity.WARNING, "Approval rejected", "A held job was rejected"),
    APPROVAL_EXPIRED("approval.expired", "Approvals", Severity.WARNING, "Approval expired",
            "A held job was not reviewed in time"),
    QUOTA_WARNING("quota.warning", "Quotas", Severity.WARNING, "Quota nearly reached",
            "A submit passed a quota whose action is to warn"),
    QUOTA_EXCEEDED("quota.exceeded", "Quotas", Severity.ERROR, "Quota exceeded", "A submit was refused by a quota"),
    COST_THRESHOLD("cost.threshold", "Costs", Severity.WARNING, "Budget threshold reached",
            "Spend reached 50, 80 or 100 % of a budget"),
    SYSTEM_AUDIT_CHAIN_BROKEN("system.audit_chain_broken", "System", Severity.CRITICAL, "Audit chain broken",
            "The audit log's hash chain no longer verifies"),
    SYSTEM_CIRCUIT_OPEN("system.circuit_open", "System", Severity.CRITICAL, "Provider circuit open",
            "Calls to a provider are being refused after repeated failures"),
    SYSTEM_PROVIDER_UNHEALTHY("system.provider_unhealthy", "System", Severity.CRITICAL, "Provider unhealthy",
            "A provider's health check fails");

    private final String wire;
    private final String category;
    private final Severity defaultSeverity;
    private final String displayName;
    private final String description;

    NotificationEventType(String wire, String category, Severity defaultSeverity, String displayName, String description) {
        this.wire = wire;
        this.category = category;
        this.defaultSeverity = defaultSeverity;
        this.displayName = displayName;
        this.description = description;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The part before the dot: what {@code 'job.*'} in a preference matches. */
    public String family() {
        return wire.substring(0, wire.indexOf('.'));
    }

    public String category() {
        return category;
    }

    public Severity defaultSeverity() {
        return defaultSeverity;
    }

    public String displayName() {
        return displayName;
    }

    public String description() {
        return description;
    }

    public static Optional<NotificationEventType> fromWire(String value) {
        for (NotificationEventType t : values()) {
            if (t.wire.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
