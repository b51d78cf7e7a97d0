package io.tuneops.webhook.service.quota;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * One limit on the jobs of a scope. {@code orgId} is also kept on a team quota created under its
 * organisation's route, for display; a team quota applies by {@code teamId} alone.
 */
public record Quota(String id, QuotaType type, BigDecimal limit, QuotaAction action, QuotaScope scope, String orgId,
                    String teamId, String userId, OffsetDateTime createdAt, String createdBy) {

    /** The jobs this quota counts, as named in messages and in a status's {@code source}: "team:team_ab". */
    public String scopeKey() {
        return switch (scope) {
            case GLOBAL -> "global";
            case ORG -> "org:" + orgId;
            case TEAM -> "team:" + teamId;
            case USER -> "user:" + userId;
        };
    }
}
