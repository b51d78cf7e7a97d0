package io.tuneops.webhook.service.quota;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.repository.QuotaRepository;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Quotas and budgets: their definitions (admin changes, audited) and the reservation a submit
 * makes inside the transaction that creates its job.
 *
 * <p>The reservation is the job row itself: a job in a non-terminal state counts against its
 * scopes until it ends, and the submit transaction confirms it under per-scope advisory locks
 * (taken in one order, so never in a cycle), so concurrent submits on any number of replicas are
 * admitted one after the other and never beyond a limit. Scopes whose quotas all merely warn are
 * not locked: a warning needs no exactness.
 */
@ApplicationScoped
public class QuotaService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final QuotaRepository quotas;
    private final AuditAppender audit;

    public QuotaService(QuotaRepository quotas, AuditAppender audit) {
        this.quotas = quotas;
        this.audit = audit;
    }

    /** The quotas that apply to a submit of {@code subject}, read in its transaction. */
    public Uni<List<Quota>> applicable(SqlClient tx, QuotaSubject subject) {
        return quotas.applicable(tx, subject);
    }

    /**
     * A first look, before the job is stored, at whether a quota asks for an approval: only then
     * does it count (the job's status depends on it); otherwise it decides nothing yet. Under the
     * scopes' locks when {@code locked}, else without (see {@link #confirm}).
     */
    public Uni<QuotaDecision> preview(SqlClient tx, QuotaSubject subject, List<Quota> applicable, BigDecimal estimatedCost,
                                      boolean locked) {
        if (applicable.stream().noneMatch(q -> q.action() == QuotaAction.REQUIRE_APPROVAL)) {
            return Uni.createFrom().item(QuotaDecision.NONE);
        }
        return (locked ? quotas.lockInOrder(tx, lockKeys(applicable)) : Uni.createFrom().voidItem())
                .chain(() -> quotas.usage(tx, subject, applicable, null)).map(usage -> decide(usage, estimatedCost));
    }

    /**
     * The decision that stands: every applicable quota against the jobs of its scopes besides
     * {@code jobId} (already inserted in {@code tx}), under the scopes' advisory locks, which the
     * transaction holds to its end. Taken last, just before the COMMIT, so that concurrent submits
     * of a scope wait on each other only for this count and the COMMIT.
     */
    public Uni<QuotaDecision> confirm(SqlClient tx, QuotaSubject subject, List<Quota> applicable, BigDecimal estimatedCost,
                                      String jobId) {
        if (applicable.isEmpty()) {
            return Uni.createFrom().item(QuotaDecision.NONE);
        }
        return quotas.lockInOrder(tx, lockKeys(applicable))
                .chain(() -> quotas.usage(tx, subject, applicable, jobId))
                .map(usage -> decide(usage, estimatedCost));
    }

    /** The scopes' lock keys, ascending; scopes whose quotas only warn need no exactness and take none. */
    private static List<Long> lockKeys(List<Quota> applicable) {
        return applicable.stream().filter(q -> q.action() != QuotaAction.WARN).map(Quota::scopeKey)
                .distinct().map(QuotaService::lockKey).sorted().toList();
    }

    static QuotaDecision decide(Map<Quota, BigDecimal> usage, BigDecimal estimatedCost) {
        BigDecimal cost = estimatedCost == null ? BigDecimal.ZERO : estimatedCost;
        List<QuotaCheck> checks = new ArrayList<>(usage.size());
        usage.forEach((quota, current) -> checks.add(new QuotaCheck(quota, current, quota.type().cost() ? cost : BigDecimal.ONE)));
        return new QuotaDecision(checks);
    }

    /** Where {@code subject} stands, without reserving anything. */
    public Uni<QuotaStatus> status(QuotaSubject subject) {
        return quotas.applicable(subject).chain(applicable -> quotas.usage(subject, applicable)).map(usage -> {
            QuotaDecision nextJob = decide(usage, BigDecimal.ZERO);
            Map<QuotaType, QuotaCheck> tightest = new EnumMap<>(QuotaType.class);
            usage.forEach((quota, current) -> tightest.merge(quota.type(), new QuotaCheck(quota, current, BigDecimal.ZERO),
                    (a, b) -> QuotaCheck.TIGHTEST_FIRST.compare(a, b) <= 0 ? a : b));
            List<String> blocking = nextJob.checks().stream()
                    .filter(c -> c.exceeded() && c.quota().action() == QuotaAction.BLOCK)
                    .sorted(QuotaCheck.TIGHTEST_FIRST).map(c -> new QuotaCheck(c.quota(), c.current(), BigDecimal.ZERO).message())
                    .toList();
            return new QuotaStatus(subject.userId(), List.copyOf(tightest.values()), blocking.isEmpty(), blocking);
        });
    }

    /** How a job costing {@code estimatedCost} would fare against {@code subject}'s budgets now. */
    public Uni<QuotaDecision> costCheck(QuotaSubject subject, BigDecimal estimatedCost) {
        return quotas.applicable(subject).map(all -> all.stream().filter(q -> q.type().cost()).toList())
                .chain(budgets -> quotas.usage(subject, budgets)).map(usage -> decide(usage, estimatedCost));
    }

    /** The subject a user other than the caller is measured as: their latest job's organisation and team. */
    public Uni<QuotaSubject> subjectOf(String userId) {
        return quotas.lastMembership(userId);
    }

    public Uni<List<Quota>> list() {
        return quotas.list(Optional.empty(), null);
    }

    /** An organisation's own quotas ({@code teamId} null) or a team's. */
    public Uni<List<Quota>> listScoped(String orgId, String teamId) {
        return teamId == null ? quotas.list(Optional.of(QuotaScope.ORG), orgId)
                : quotas.list(Optional.of(QuotaScope.TEAM), teamId).map(found -> found.stream()
                .filter(belongsTo(orgId)).toList());
    }

    private static Predicate<Quota> belongsTo(String orgId) {
        return q -> q.orgId() == null || q.orgId().equals(orgId);
    }

    public Uni<Optional<Quota>> find(String id) {
        return quotas.find(id);
    }

    public Uni<Quota> create(QuotaRequest r, String actor, String clientIp) {
        Quota draft = new Quota("quota_" + HexFormat.of().formatHex(randomBytes(8)), r.type(), r.limit(), r.action(),
                r.scope(), r.orgId(), r.teamId(), r.userId(), null, actor);
        return quotas.transaction(tx -> quotas.insert(tx, draft), (created, left) -> audit.append(event(
                "quota.created", "create", created, actor, clientIp), left));
    }

    /** The deleted quota; empty when there was none. */
    public Uni<Optional<Quota>> delete(String id, String actor, String clientIp) {
        return quotas.transaction(tx -> quotas.delete(tx, id), (deleted, left) -> deleted.isEmpty()
                ? Uni.createFrom().voidItem() : audit.append(event("quota.deleted", "delete", deleted.get(), actor, clientIp), left));
    }

    private static AuditEvent event(String type, String action, Quota q, String actor, String clientIp) {
        return AuditEvent.of(type, actor, clientIp, "quota", q.id(), action, new QuotaChanged(q.type(), q.limit(),
                q.action(), q.scope(), q.orgId(), q.teamId(), q.userId()));
    }

    /** The audit details of a quota's creation or deletion. */
    record QuotaChanged(QuotaType quota_type, BigDecimal limit_value, QuotaAction action, QuotaScope scope, String org_id,
                        String team_id, String user_id) implements AuditDetails {
    }

    /**
     * The advisory lock key of a scope: 64 bits of SHA-256 over a name space and the scope, so that
     * no other use of advisory locks in this database collides with it.
     */
    static long lockKey(String scopeKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("tuneops.quota:" + scopeKey).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
