package io.tuneops.webhook.service.approval;

import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.approval.Submitter.Role;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * A held job's request for approval.
 *
 * @param userId       the submitter's user id; null for a credential of no user (then {@code submittedBy} names them)
 * @param submittedBy  the submitter as audit events name them (X-Tuneops-Actor)
 * @param ruleId       the rule that asked for it; null when a quota asked, or the rule was deleted since
 * @param requiredRole the least role that may approve or reject it
 */
public record ApprovalRequest(String id, String jobId, String userId, String submittedBy, String ruleId,
                              ApprovalStatus status, String reason, Provider provider, String configName,
                              BigDecimal estimatedCost, String hardwareType, Role requiredRole, String reviewedBy,
                              OffsetDateTime reviewedAt, String reviewNotes, OffsetDateTime createdAt,
                              OffsetDateTime expiresAt) {

    /**
     * Whether {@code person} may cancel the request, and so the job it holds back, by either route:
     * its submitter, or someone whose role includes the one it needs.
     */
    public boolean cancellableBy(Submitter person) {
        return submittedBy(person) || person.role() != null && person.role().includes(requiredRole);
    }

    /** Whether {@code person} submitted the job: the same user, or the same credential when it has no user. */
    public boolean submittedBy(Submitter person) {
        if (userId != null && person.userId() != null) {
            return userId.equals(person.userId());
        }
        return userId == null && person.userId() == null && submittedBy.equals(person.actor());
    }
}
