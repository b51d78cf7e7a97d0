package io.tuneops.webhook.rest;

import io.tuneops.webhook.service.quota.Quota;
import io.tuneops.webhook.service.quota.QuotaAction;
import io.tuneops.webhook.service.quota.QuotaCheck;
import io.tuneops.webhook.service.quota.QuotaDecision;
import io.tuneops.webhook.service.quota.QuotaScope;
import io.tuneops.webhook.service.quota.QuotaStatus;
import io.tuneops.webhook.service.quota.QuotaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/** The JSON of the quota routes, in the original's shapes. */
final class QuotaViews {

    private QuotaViews() {
    }

    @Schema(name = "Quota", description = "A limit on the jobs of a scope; org_id, team_id and user_id name it (none: global)")
    record QuotaView(String id, QuotaType quota_type, double limit_value, QuotaAction action, QuotaScope scope,
                     String org_id, String team_id, String user_id, String created_at, String created_by) {

        static QuotaView of(Quota q) {
            return new QuotaView(q.id(), q.type(), q.limit().doubleValue(), q.action(), q.scope(), q.orgId(), q.teamId(),
                    q.userId(), q.createdAt() == null ? null : q.createdAt().withOffsetSameInstant(ZoneOffset.UTC).toString(),
                    q.createdBy());
        }
    }

    /**
     * The answer to a creation: the quota's own fields, as current clients read them, and the same
     * quota under {@code quota}, where the original's CLI looks for it.
     */
    @Schema(name = "QuotaCreated", description = "The created quota; quota repeats it (the original's answer)")
    record QuotaCreated(String id, QuotaType quota_type, double limit_value, QuotaAction action, QuotaScope scope,
                        String org_id, String team_id, String user_id, String created_at, String created_by, QuotaView quota) {

        static QuotaCreated of(Quota q) {
            QuotaView v = QuotaView.of(q);
            return new QuotaCreated(v.id(), v.quota_type(), v.limit_value(), v.action(), v.scope(), v.org_id(), v.team_id(),
                    v.user_id(), v.created_at(), v.created_by(), v);
        }
    }

    /** The answer to a deletion, the original's shape (its CLI parses the body). */
    @Schema(name = "QuotaDeleted")
    record QuotaDeleted(boolean success, String quota_id) {
    }

    @Schema(name = "QuotaList")
    record QuotaList(List<QuotaView> quotas) {

        static QuotaList of(List<Quota> quotas) {
            return new QuotaList(quotas.stream().map(QuotaView::of).toList());
        }
    }

    @Schema(name = "QuotaCreate", description = "A quota to create; on /api/quotas at most one of user_id, org_id, "
            + "team_id (none: global); on an organisation's or team's route the path names the scope")
    record QuotaCreate(@Schema(required = true) QuotaType quota_type,
                       @Schema(required = true, description = "Above 0: jobs, or US dollars for cost_daily and cost_monthly")
                       double limit_value,
                       @Schema(description = "Default block") QuotaAction action, String user_id, String org_id, String team_id) {
    }

    record TypeView(String id, String name, String description, String unit) {
    }

    @Schema(name = "QuotaTypes")
    record QuotaTypes(List<TypeView> types, List<QuotaAction> actions, List<QuotaScope> scopes) {

        static final QuotaTypes ALL = new QuotaTypes(Arrays.stream(QuotaType.values())
                .map(t -> new TypeView(t.wire(), t.title(), t.description(), t.unit())).toList(),
                List.of(QuotaAction.values()), List.of(QuotaScope.values()));
    }

    @Schema(name = "QuotaUsage", description = "The tightest applicable quota of a type; source names its scope")
    record StatusView(QuotaType quota_type, double limit, double current, QuotaAction action, boolean is_exceeded,
                      boolean is_warning, double percent_used, String message, String source) {

        static StatusView of(QuotaCheck c) {
            return new StatusView(c.quota().type(), c.quota().limit().doubleValue(), c.current().doubleValue(),
                    c.quota().action(), c.exceeded(), c.warning(), c.percentUsed(), c.message(), c.quota().scopeKey());
        }
    }

    @Schema(name = "QuotaStatus", description = "Where a user stands; can_submit is false while a blocking quota is reached")
    record StatusReport(String user_id, List<StatusView> statuses, boolean can_submit, List<String> blocking_reasons) {

        static StatusReport of(QuotaStatus s) {
            return new StatusReport(s.userId(), s.statuses().stream().map(StatusView::of).toList(), s.canSubmit(),
                    s.blockingReasons());
        }
    }

    @Schema(name = "QuotaCostCheck", description = "How a job of the given cost would fare against the caller's budgets")
    record CostCheck(double estimated_cost, boolean can_submit, boolean requires_approval, List<String> warnings,
                     List<String> blocking_reasons) {

        static CostCheck of(BigDecimal cost, QuotaDecision d) {
            List<String> blocking = d.checks().stream().filter(c -> c.exceeded() && c.quota().action() == QuotaAction.BLOCK)
                    .map(QuotaCheck::message).toList();
            return new CostCheck(cost.doubleValue(), !d.blocked(), d.needsApproval(), d.warnings(), blocking);
        }
    }
}
