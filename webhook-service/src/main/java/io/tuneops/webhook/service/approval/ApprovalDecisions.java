package io.tuneops.webhook.service.approval;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.store.LastStep;
import io.tuneops.webhook.config.ApprovalConfig;
import io.tuneops.webhook.repository.ApprovalRepository;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Approving, rejecting, cancelling and expiring requests. Each decision is one transaction that
 * locks the job, moves the request out of {@code pending} with a guarded UPDATE and moves the job
 * on through {@link ApprovedJobs}; its audit event is appended before the COMMIT, and only after
 * it an approved job's upload credentials are published (withdrawn again if the decision does
 * not commit). Exactly once:
 * of two approvers, the second finds the request no longer pending; an approval whose job was
 * cancelled meanwhile rolls back. Only after the COMMIT is an approved job sent to its provider.
 */
@ApplicationScoped
public class ApprovalDecisions {

    private static final Logger LOG = Logger.getLogger(ApprovalDecisions.class);
    /** Requests expired per transaction; a sweep takes as many transactions as it needs. */
    static final int EXPIRY_BATCH = 100;
    private static final int EXPIRY_ROUNDS = 100;
    /** Bulk decisions made at the same time; each is its own transaction. */
    private static final int BULK_CONCURRENCY = 4;

    /** What a person does to a request. */
    public enum Action {
        APPROVE(ApprovalStatus.APPROVED, "approval.approved", "approve"),
        REJECT(ApprovalStatus.REJECTED, "approval.rejected", "reject"),
        CANCEL(ApprovalStatus.CANCELLED, "approval.cancelled", "cancel");

        private final ApprovalStatus to;
        private final String eventType;
        private final String verb;

        Action(ApprovalStatus to, String eventType, String verb) {
            this.to = to;
            this.eventType = eventType;
            this.verb = verb;
        }
    }

    /** One id's result in a bulk decision. */
    public record BulkResult(String requestId, DecisionOutcome outcome) {
    }

    /** The decision must not stand: the job stopped waiting for it. Rolls the transaction back. */
    private static final class JobNoLongerWaiting extends RuntimeException {
        JobNoLongerWaiting() {
            super("the job no longer waits for approval", null, false, false);
        }
    }

    /**
     * A decision made in its transaction: the request as decided (empty when it was no longer
     * pending) and, for an approval, the release whose credentials the last step publishes.
     */
    private record Made(Optional<ApprovalRequest> request, Optional<ApprovedJobs.Release> release, AtomicBoolean published) {
        Made(Optional<ApprovalRequest> request, Optional<ApprovedJobs.Release> release) {
            this(request, release, new AtomicBoolean());
        }
    }

    /** The decision's audit event, then its job's credentials, which are withdrawn if it does not commit after all. */
    private record Audited(AuditAppender audit, AuditEvent event) implements LastStep<Made> {
        @Override
        public Uni<?> apply(Made made, Duration left) {
            if (made.request().isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return audit.append(event, left).chain(() -> made.release().isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.createFrom().deferred(() -> {
                made.published().set(true);
                return made.release().get().publish(left);
            }));
        }

        @Override
        public Uni<?> notCommitted(Made made, Ending how) {
            return made.published().get() ? made.release().orElseThrow().withdraw() : Uni.createFrom().voidItem();
        }
    }

    private final ApprovalRepository approvals;
    private final ApprovedJobs jobs;
    private final AuditAppender audit;
    private final ApprovalConfig config;

    public ApprovalDecisions(ApprovalRepository approvals, ApprovedJobs jobs, AuditAppender audit, ApprovalConfig config) {
        this.approvals = approvals;
        this.jobs = jobs;
        this.audit = audit;
        this.config = config;
    }

    public Uni<DecisionOutcome> decide(Action action, String requestId, Submitter reviewer, String notes, String clientIp) {
        return decide(action, requestId, reviewer, notes, clientIp, false);
    }

    /** Each id on its own (one failing does not stop the others); results in the order of {@code requestIds}. */
    public Uni<List<BulkResult>> bulk(Action action, List<String> requestIds, Submitter reviewer, String notes,
                                      String clientIp) {
        List<Map.Entry<Integer, String>> indexed = new ArrayList<>();
        for (int i = 0; i < requestIds.size(); i++) {
            indexed.add(Map.entry(i, requestIds.get(i)));
        }
        return Multi.createFrom().iterable(indexed)
                .onItem().transformToUni(e -> decide(action, e.getValue(), reviewer, notes, clientIp, true)
                        .onFailure().recoverWithItem(failure -> {
                            LOG.warnf("bulk %s of %s not completed: %s", action.verb, e.getValue(), failure.toString());
                            return new DecisionOutcome.Refused("Not decided, retry: " + failure.getMessage());
                        })
                        .map(outcome -> Map.entry(e.getKey(), new BulkResult(e.getValue(), outcome))))
                .merge(BULK_CONCURRENCY)
                .collect().asList()
                .map(done -> done.stream().sorted(Comparator.comparing(Map.Entry::getKey)).map(Map.Entry::getValue).toList());
    }

    private Uni<DecisionOutcome> decide(Action action, String requestId, Submitter reviewer, String notes, String clientIp,
                                        boolean bulk) {
        return approvals.request(requestId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new DecisionOutcome.NotFound(requestId));
            }
            ApprovalRequest request = found.get();
            Optional<String> refusal = refusal(action, request, reviewer);
            if (refusal.isPresent()) {
                return Uni.createFrom().item(new DecisionOutcome.Refused(refusal.get()));
            }
            if (request.status() != ApprovalStatus.PENDING) {
                return Uni.createFrom().item(notPending(request));
            }
            AuditEvent event = AuditEvent.of(action.eventType, reviewer.actor(), clientIp, "approval_request", requestId,
                    action.verb, new ApprovalAuditDetails.Decision(request.jobId(), request.ruleId(), request.submittedBy(),
                            notes, bulk));
            return approvals.transaction(tx -> approvals.lockJob(tx, request.jobId())
                            .chain(() -> approvals.decide(tx, requestId, action.to, reviewer.actor(), notes))
                            .chain(decided -> decided.isEmpty() ? Uni.createFrom().item(new Made(decided, Optional.empty()))
                                    : moveJob(tx, action, request.jobId(), reviewer.actor(), notes)
                                    .map(release -> new Made(decided, release))),
                            new Audited(audit, event))
                    .chain(made -> made.request().isPresent() ? afterCommit(action, made.request().get())
                            : approvals.request(requestId).map(now -> notPending(now.orElse(request))))
                    .onFailure(JobNoLongerWaiting.class).recoverWithItem(() -> new DecisionOutcome.Conflict(
                            "Job " + request.jobId() + " no longer waits for approval (it was cancelled); nothing was decided",
                            request));
        });
    }

    /** Why the reviewer may not take the action on this request, if they may not. */
    private Optional<String> refusal(Action action, ApprovalRequest request, Submitter reviewer) {
        boolean mayDecide = reviewer.role() != null && reviewer.role().includes(request.requiredRole());
        boolean own = request.submittedBy(reviewer);
        return switch (action) {
            case APPROVE -> !mayDecide ? Optional.of(needsRole("Approving", request))
                    : own && !config.allowSelfApproval()
                    ? Optional.of("You submitted job " + request.jobId() + "; another person must approve it")
                    : Optional.empty();
            case REJECT -> mayDecide ? Optional.empty() : Optional.of(needsRole("Rejecting", request));
            case CANCEL -> request.cancellableBy(reviewer) ? Optional.empty() : Optional.of(cancelRefusal(request));
        };
    }

    /** Why a caller may not cancel the request (or its held job): the words both cancel routes answer with. */
    public static String cancelRefusal(ApprovalRequest request) {
        return "Only the submitter or someone with the " + request.requiredRole().wire()
                + " role may cancel approval request " + request.id() + " (job " + request.jobId() + ")";
    }

    private static String needsRole(String doing, ApprovalRequest request) {
        return doing + " request " + request.id() + " needs the " + request.requiredRole().wire() + " role";
    }

    /** The job's side of the decision, in its transaction; an approval's release, whose credentials are published last. */
    private Uni<Optional<ApprovedJobs.Release>> moveJob(SqlConnection tx, Action action, String jobId, String actor,
                                                         String notes) {
        return switch (action) {
            case APPROVE -> jobs.release(tx, jobId, actor).invoke(released -> {
                if (released.isEmpty()) {
                    throw new JobNoLongerWaiting();
                }
            });
            // a job that no longer waits needs no ending: the request is closed all the same
            case REJECT -> jobs.abandon(tx, jobId, "Rejected by " + actor + (notes == null ? "" : ": " + notes), actor)
                    .replaceWith(Optional.empty());
            case CANCEL -> jobs.abandon(tx, jobId, "Approval request cancelled by " + actor, actor).replaceWith(Optional.empty());
        };
    }

    /** The decision is committed: it stands whatever the provider says, so no failure from here is the caller's. */
    private Uni<DecisionOutcome> afterCommit(Action action, ApprovalRequest decided) {
        DecisionOutcome outcome = new DecisionOutcome.Decided(decided);
        if (action != Action.APPROVE) {
            return Uni.createFrom().item(outcome);
        }
        return jobs.dispatch(decided.jobId())
                .onFailure().invoke(e -> LOG.warnf("approved job %s not dispatched: %s", decided.jobId(), e.toString()))
                .onFailure().recoverWithNull()
                .replaceWith(outcome);
    }

    private static DecisionOutcome notPending(ApprovalRequest now) {
        if (now.status() == ApprovalStatus.PENDING) {
            return new DecisionOutcome.Conflict("Approval request " + now.id() + " expired at " + now.expiresAt(), now);
        }
        return new DecisionOutcome.Conflict("Approval request " + now.id() + " is already " + now.status().wire(), now);
    }

    /**
     * Expires every overdue pending request and cancels its job; one replica at a time (the others
     * find the sweep's lock taken and answer 0). Returns how many it expired.
     */
    public Uni<Integer> expireOverdue(String actor, String clientIp) {
        return sweep(actor, clientIp, 0, 0);
    }

    private Uni<Integer> sweep(String actor, String clientIp, int total, int round) {
        return expireBatch(actor, clientIp).chain(n -> n < EXPIRY_BATCH || round + 1 >= EXPIRY_ROUNDS
                ? Uni.createFrom().item(total + n) : sweep(actor, clientIp, total + n, round + 1));
    }

    private Uni<Integer> expireBatch(String actor, String clientIp) {
        String notes = "not decided within " + format(config.expiry());
        return approvals.transaction(tx -> approvals.tryExpiryLock(tx).chain(locked -> !locked
                        ? Uni.createFrom().item(List.<ApprovalRequest>of())
                        : approvals.overdueJobs(tx, EXPIRY_BATCH).chain(overdue -> overdue.isEmpty()
                        ? Uni.createFrom().item(List.<ApprovalRequest>of())
                        : approvals.expire(tx, overdue, actor, notes).call(expired -> each(expired,
                        r -> jobs.abandon(tx, r.jobId(), "Approval request expired: " + notes, actor))))),
                (expired, left) -> each(expired, r -> audit.append(AuditEvent.of("approval.expired", actor, clientIp,
                        "approval_request", r.id(), "expire", new ApprovalAuditDetails.Decision(r.jobId(), r.ruleId(),
                                r.submittedBy(), notes, false)), left)))
                .map(List::size);
    }

    /** One after the other: statements of one transaction share its connection. */
    private static Uni<Void> each(List<ApprovalRequest> requests, Function<ApprovalRequest, Uni<?>> step) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ApprovalRequest r : requests) {
            chain = chain.chain(() -> step.apply(r)).replaceWithVoid();
        }
        return chain;
    }

    private static String format(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
