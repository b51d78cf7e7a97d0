package io.tuneops.webhook.rest;

import io.tuneops.webhook.service.approval.ApprovalRule;
import io.tuneops.webhook.service.approval.Submitter.Role;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.ZoneOffset;
import java.util.List;

/** An approval rule as the original's clients read it; levels are roles (the original's "lead" reads as admin). */
@Schema(name = "ApprovalRule")
public record ApprovalRuleView(String id, String name, String description,
                               @Schema(enumeration = {"cost_exceeds", "hardware_type", "provider", "user_level",
                                       "daily_jobs_exceed", "first_job", "config_pattern"}) String condition,
                               @Schema(description = "What the condition compares with; see GET /api/approvals/conditions")
                               String threshold, boolean is_active, int priority, String applies_to_provider,
                               String applies_to_level, List<String> exempt_levels, String required_approver_level,
                               String created_at, String created_by) {

    static ApprovalRuleView of(ApprovalRule r) {
        return new ApprovalRuleView(r.id(), r.name(), r.description(), r.condition().wire(), r.threshold(), r.active(),
                r.priority(), r.appliesToProvider() == null ? null : r.appliesToProvider().wire(),
                r.appliesToLevel() == null ? null : r.appliesToLevel().wire(),
                r.exemptLevels().stream().map(Role::wire).toList(), r.requiredApproverLevel().wire(),
                r.createdAt() == null ? null : r.createdAt().withOffsetSameInstant(ZoneOffset.UTC).toString(), r.createdBy());
    }
}
