package io.tuneops.webhook.service.quota;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every applicable quota checked against a submit. Each exceeded quota applies its action and the
 * strictest action wins (block, then require_approval, then warn), so a looser blocking limit
 * still holds when a tighter one only warns; among the exceeded quotas of that action the tightest
 * is the one named.
 */
public record QuotaDecision(List<QuotaCheck> checks) {

    public static final QuotaDecision NONE = new QuotaDecision(List.of());

    /** The exceeded quota that decides the submit: its action and message; empty when none is exceeded. */
    public Optional<QuotaCheck> decisive() {
        return checks.stream().filter(QuotaCheck::exceeded)
                .min(Comparator.comparing((QuotaCheck c) -> c.quota().action()).reversed().thenComparing(QuotaCheck.TIGHTEST_FIRST));
    }

    public boolean blocked() {
        return decisive().map(c -> c.quota().action() == QuotaAction.BLOCK).orElse(false);
    }

    public boolean needsApproval() {
        return decisive().map(c -> c.quota().action() == QuotaAction.REQUIRE_APPROVAL).orElse(false);
    }

    /** What the submitter is told on an admitted or held job: exceeded warn quotas and quotas nearly reached, tightest first. */
    public List<String> warnings() {
        return checks.stream()
                .filter(c -> c.warning() || (c.exceeded() && c.quota().action() == QuotaAction.WARN))
                .sorted(QuotaCheck.TIGHTEST_FIRST).map(QuotaCheck::message).toList();
    }
}
