package io.tuneops.support.figures;

import java.util.Map;

/** audit-service's {@code GET /internal/audit/figures} (SharedNames.INTERNAL_AUDIT_FIGURES), read by metrics-service. */
public record AuditFigures(Long entries_total, Long entries_24h, Map<String, Long> entries_by_type,
                           Long chain_head_seq) {
}
