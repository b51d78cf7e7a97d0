package io.tuneops.webhook.service.approval;

/**
 * Why a submission waits for a person: the rule that matched (null when a quota's
 * {@code require_approval} action asked for it), the reason shown to submitter and approver, and
 * the least role that may approve it.
 */
public record ApprovalNeed(String ruleId, String reason, Submitter.Role approverRole) {
}
