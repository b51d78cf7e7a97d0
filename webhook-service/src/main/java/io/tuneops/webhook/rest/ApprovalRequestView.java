package io.tuneops.webhook.rest;

import io.tuneops.webhook.service.approval.ApprovalRequest;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * An approval request as the original's clients read it, plus who submitted the job (the actor
 * audit events name) and the role an approver needs.
 */
@Schema(name = "ApprovalRequest")
public record ApprovalRequestView(String id, String job_id, String user_id, String rule_id,
                                  @Schema(enumeration = {"pending", "approved", "rejected", "cancelled", "expired"})
                                  String status, String reason, String provider, String config_name, Double estimated_cost,
                                  String hardware_type, String reviewed_by, String reviewed_at, String review_notes,
                                  String created_at, String expires_at, String submitted_by,
                                  String required_approver_level) {

    static ApprovalRequestView of(ApprovalRequest r) {
        return new ApprovalRequestView(r.id(), r.jobId(), r.userId(), r.ruleId(), r.status().wire(), r.reason(),
                r.provider().wire(), r.configName(), r.estimatedCost() == null ? null : r.estimatedCost().doubleValue(),
                r.hardwareType(), r.reviewedBy(), time(r.reviewedAt()), r.reviewNotes(), time(r.createdAt()),
                time(r.expiresAt()), r.submittedBy(), r.requiredRole().wire());
    }

    private static String time(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }
}
