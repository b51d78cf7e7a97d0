package io.tuneops.webhook.service.approval;

import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.approval.Submitter.Role;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A rule that holds matching submissions for approval.
 *
 * @param appliesToProvider only jobs on this provider meet the rule; null for every provider
 * @param appliesToLevel    only submitters of exactly this role meet it; null for every role
 * @param exemptLevels      submitters of these roles never meet it
 */
public record ApprovalRule(String id, String name, String description, ApprovalCondition condition, String threshold,
                           boolean active, int priority, Provider appliesToProvider, Role appliesToLevel,
                           List<Role> exemptLevels, Role requiredApproverLevel, OffsetDateTime createdAt,
                           String createdBy) {

    /** Whether the rule concerns this submitter on this provider at all, before its condition is looked at. */
    public boolean concerns(Submitter submitter, Provider provider) {
        return active
                && (appliesToProvider == null || appliesToProvider == provider)
                && (appliesToLevel == null || appliesToLevel == submitter.role())
                && !exemptLevels.contains(submitter.role());
    }
}
