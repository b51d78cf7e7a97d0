package io.tuneops.support.figures;

import java.util.Map;

/**
 * The approvals part of webhook-service's {@link JobFigures}, for metrics-service's approvals
 * category: requests waiting for a decision, and requests per status (pending, approved, rejected,
 * cancelled, expired; every status present). A null value means "unknown".
 */
public record ApprovalFigures(Long requests_pending, Map<String, Long> requests_by_status) {
}
