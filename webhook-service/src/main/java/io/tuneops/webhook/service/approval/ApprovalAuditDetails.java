package io.tuneops.webhook.service.approval;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tuneops.support.audit.AuditDetails;

/** The details of the approval workflow's audit events, one record per event type; nulls are written. */
final class ApprovalAuditDetails {

    private ApprovalAuditDetails() {
    }

    /** approval.approved, approval.rejected, approval.cancelled, approval.expired: who decided is the event's actor. */
    record Decision(String job_id, String rule_id, String submitted_by, String notes,
                    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean bulk) implements AuditDetails {
    }

    /** approval.rule_created, approval.rule_updated, approval.rule_deleted. */
    record RuleChanged(String name, String condition, String threshold, Boolean is_active, Integer priority,
                       String required_approver_level) implements AuditDetails {

        static RuleChanged of(ApprovalRule rule) {
            return new RuleChanged(rule.name(), rule.condition().wire(), rule.threshold(), rule.active(), rule.priority(),
                    rule.requiredApproverLevel().wire());
        }
    }
}
