package io.tuneops.webhook.service.quota;

import java.util.List;

/**
 * Where a user stands: per quota type the tightest applicable quota ({@code statuses}), and whether
 * a submit would be admitted now, judged on every applicable quota.
 */
public record QuotaStatus(String userId, List<QuotaCheck> statuses, boolean canSubmit, List<String> blockingReasons) {
}
