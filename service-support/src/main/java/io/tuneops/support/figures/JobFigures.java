package io.tuneops.support.figures;

import java.util.Map;

/**
 * webhook-service's {@code GET /internal/jobs/figures} (SharedNames.INTERNAL_JOBS_FIGURES), read by
 * metrics-service for the jobs, circuit_breakers, provider and approvals categories. A null value
 * means "unknown".
 */
public record JobFigures(Long jobs_total, Map<String, Long> jobs_by_status, Long jobs_active, Double cost_usd_total,
                         Double job_duration_seconds_avg, Map<String, BreakerFigures> circuit_breakers,
                         Map<String, ProviderFigures> providers, ApprovalFigures approvals) {
}
