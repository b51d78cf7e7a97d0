package io.tuneops.webhook.service.approval;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.repository.ApprovalRepository;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Approval rules: read, create, change and delete, each change audited. */
@ApplicationScoped
public class ApprovalRules {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApprovalRepository approvals;
    private final AuditAppender audit;

    public ApprovalRules(ApprovalRepository approvals, AuditAppender audit) {
        this.approvals = approvals;
        this.audit = audit;
    }

    public Uni<List<ApprovalRule>> list(boolean activeOnly) {
        return approvals.rules(activeOnly);
    }

    public Uni<Optional<ApprovalRule>> find(String id) {
        return approvals.rule(id);
    }

    public Uni<RuleOutcome> create(JsonObject body, String actor, String clientIp) {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        RuleChange.Parsed parsed = RuleChange.create(body, "rule_" + HexFormat.of().formatHex(bytes), actor);
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().item(new RuleOutcome.Invalid(parsed.errors()));
        }
        return approvals.transaction(tx -> approvals.insertRule(tx, parsed.rule()),
                        (rule, left) -> audit.append(event("approval.rule_created", "create", rule, actor, clientIp), left))
                .map(RuleOutcome.Saved::new);
    }

    /** Applies the body's fields to the stored rule (the others keep their values). */
    public Uni<RuleOutcome> update(String id, JsonObject body, String actor, String clientIp) {
        return approvals.transaction(tx -> approvals.lockRule(tx, id).chain(stored -> {
            if (stored.isEmpty()) {
                return Uni.createFrom().item((RuleOutcome) new RuleOutcome.NotFound(id));
            }
            RuleChange.Parsed parsed = RuleChange.update(body, stored.get());
            if (!parsed.errors().isEmpty()) {
                return Uni.createFrom().item((RuleOutcome) new RuleOutcome.Invalid(parsed.errors()));
            }
            return approvals.updateRule(tx, parsed.rule()).map(saved -> saved
                    .<RuleOutcome>map(RuleOutcome.Saved::new).orElseGet(() -> new RuleOutcome.NotFound(id)));
        }), (outcome, left) -> outcome instanceof RuleOutcome.Saved saved
                ? audit.append(event("approval.rule_updated", "update", saved.rule(), actor, clientIp), left)
                : Uni.createFrom().voidItem());
    }

    /** Requests the rule opened keep their reason and approver role; they forget the rule. */
    public Uni<Boolean> delete(String id, String actor, String clientIp) {
        return approvals.transaction(tx -> approvals.lockRule(tx, id).chain(stored -> stored.isEmpty()
                        ? Uni.createFrom().item(Optional.<ApprovalRule>empty())
                        : approvals.deleteRule(tx, id).replaceWith(stored)),
                (deleted, left) -> deleted.isPresent()
                        ? audit.append(event("approval.rule_deleted", "delete", deleted.get(), actor, clientIp), left)
                        : Uni.createFrom().voidItem())
                .map(Optional::isPresent);
    }

    private static AuditEvent event(String type, String action, ApprovalRule rule, String actor, String clientIp) {
        return AuditEvent.of(type, actor, clientIp, "approval_rule", rule.id(), action,
                ApprovalAuditDetails.RuleChanged.of(rule));
    }
}
