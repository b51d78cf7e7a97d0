package io.tuneops.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.client.ProviderCallException;
import io.tuneops.webhook.client.ReplicateApi;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRow;
import io.tuneops.webhook.service.approval.ApprovalDecisions;
import io.tuneops.webhook.service.approval.ApprovalGate;
import io.tuneops.webhook.service.approval.ApprovalNeed;
import io.tuneops.webhook.service.approval.ApprovalRequest;
import io.tuneops.webhook.service.approval.Submission;
import io.tuneops.webhook.service.approval.Submitter;
import io.tuneops.webhook.service.quota.QuotaDecision;
import io.tuneops.webhook.service.quota.QuotaNotifications;
import io.tuneops.webhook.service.quota.QuotaService;
import io.tuneops.webhook.service.quota.QuotaSubject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Submitting, reading, cancelling and deleting jobs. */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Submit transactions tried for one submit when concurrent submits keep changing the quotas' first look. */
    private static final int MAX_ATTEMPTS = 3;

    /** A job with what storage-service has received for it; {@code uploads} is empty when Redis could not be read. */
    public record JobDetail(JobRow job, Optional<UploadProgress> uploads) {
    }

    /** One page of a listing, each job with its upload progress; {@code nextCursor} is null on the last page. */
    public record JobListing(List<JobDetail> jobs, long total, int offset, String nextCursor) {
    }

    private final JobRepository jobs;
    private final UploadCredentials credentials;
    private final UploadProgressReader uploads;
    private final JobWriter writer;
    private final ProviderConfigService providers;
    private final ReplicateClient replicate;
    private final AuditAppender audit;
    private final JobsConfig config;
    private final CostEstimates estimates;
    private final QuotaService quotas;
    private final ApprovalGate approvals;
    private final JobStarter starter;
    private final QuotaNotifications quotaNotifications;

    public JobService(JobRepository jobs, UploadCredentials credentials, UploadProgressReader uploads, JobWriter writer,
                      ProviderConfigService providers, ReplicateClient replicate, AuditAppender audit, JobsConfig config,
                      CostEstimates estimates, QuotaService quotas, ApprovalGate approvals, JobStarter starter,
                      QuotaNotifications quotaNotifications) {
        this.jobs = jobs;
        this.credentials = credentials;
        this.uploads = uploads;
        this.writer = writer;
        this.providers = providers;
        this.replicate = replicate;
        this.audit = audit;
        this.config = config;
        this.estimates = estimates;
        this.quotas = quotas;
        this.approvals = approvals;
        this.starter = starter;
        this.quotaNotifications = quotaNotifications;
    }

    public Uni<SubmitOutcome> submit(SubmitRequest request, Submitter submitter, String clientIp) {
        String actor = submitter.actor();
        // a retry of an earlier submit gets that job back, whatever limits say now
        Uni<Optional<JobRow>> earlier = request.idempotencyKey() == null ? Uni.createFrom().item(Optional.empty())
                : jobs.findByIdempotencyKey(actor, request.idempotencyKey());
        return earlier.chain(found -> found.isPresent() ? Uni.createFrom().item(new SubmitOutcome.Replayed(found.get()))
                : create(request, submitter, clientIp));
    }

    /**
     * What the submit transaction stored, under the quota decision that stands; {@code job} is null
     * when nothing was (blocked, or a concurrent submit under the same idempotency key won).
     */
    private record Stored(JobRow job, UploadCredentials.Issuing credential, String approvalRequestId,
                          QuotaDecision quotas, Optional<ApprovalNeed> need) {
        boolean held() {
            return job != null && job.status() == JobStatus.PENDING_APPROVAL;
        }
    }

    /**
     * Rolls a submit transaction back when the count under the quotas' locks disagrees with the
     * first look: blocked, which is final, or an approval asked for differently, which is
     * retried with the first look taken under the locks too.
     */
    private static final class QuotaRecheck extends RuntimeException {
        final QuotaDecision decision;

        QuotaRecheck(QuotaDecision decision) {
            super("the quotas decided differently under their locks", null, false, false);
            this.decision = decision;
        }
    }

    private Uni<SubmitOutcome> create(SubmitRequest request, Submitter submitter, String clientIp) {
        return providers.settings(request.provider()).chain(settings -> costCheck(settings).chain(check -> {
            if (check.blocked()) {
                return Uni.createFrom().item(new SubmitOutcome.Blocked(check.message()));
            }
            // priced before the transaction: nothing of it needs the quotas' locks
            return estimates.estimate(settings, request.hardware(), request.maxRunSeconds()).chain(estimate ->
                    attempt(request, submitter, clientIp, settings, check, estimate.hasEstimate() ? estimate.costUsd() : null,
                            1));
        }));
    }

    /**
     * One submit transaction: the approval rules (first, so that the submitter's lock they may take
     * comes before any quota lock, in every attempt: see RuleApprovalGate), a first look at the
     * quotas, the job and its credentials (and its approval request when held: a quota's request
     * wins over a rule's), and last the quotas' decision under their locks, so that concurrent
     * submits of a scope queue only for that count and the COMMIT. A first look that a concurrent
     * submit made wrong is retried; the last attempt takes it under the locks, before any row is
     * written. (That order could meet
     * a concurrent submit under the same idempotency key in a lock cycle, which PostgreSQL breaks by
     * failing one of them: hence only as the last resort.)
     */
    private Uni<SubmitOutcome> attempt(SubmitRequest request, Submitter submitter, String clientIp, ProviderSettings settings,
                                       CostLimits.Check check, BigDecimal estimatedCost, int attempt) {
        boolean locked = attempt >= MAX_ATTEMPTS;
        String actor = submitter.actor();
        String jobId = "job_" + HexFormat.of().formatHex(randomBytes(10));
        Submission submission = new Submission(jobId, submitter, request.provider(), request.hardware(), request.name(),
                request.input(), estimatedCost);
        QuotaSubject subject = new QuotaSubject(submitter.userId(), submitter.orgId(), submitter.teamId());
        AuditEvent submitted = AuditEvent.of("job.submitted", actor, clientIp, "job", jobId, "submit",
                new WebhookAuditDetails.JobSubmitted(request.provider(), request.name(), request.hardware()));
        return jobs.transaction(tx -> approvals.evaluate(tx, submission).chain(ruleNeed -> quotas.applicable(tx, subject)
                                .chain(applicable -> quotas.preview(tx, subject, applicable, estimatedCost, locked).chain(preview -> {
                                    if (preview.blocked()) {
                                        return Uni.createFrom().item(new Stored(null, null, null, preview, Optional.empty()));
                                    }
                                    return store(tx, request, submission, check, need(preview, ruleNeed), settings)
                                            .chain(stored -> stored.job() == null ? Uni.createFrom().item(stored)
                                                    : quotas.confirm(tx, subject, applicable, estimatedCost, jobId)
                                                    .map(confirmed -> settle(stored, preview, confirmed))
                                                    .call(settled -> quotaNotifications.admitted(tx, jobId, subject,
                                                            settled.quotas())));
                                }))),
                        // the audit event and the Redis write of the credentials come last, just before the commit
                        (stored, left) -> stored.job() == null ? Uni.createFrom().voidItem()
                                : stored.held() ? audit.append(submitted, left)
                                : Uni.join().all(audit.append(submitted, left), credentials.publish(stored.credential(), left))
                                .andFailFast())
                .chain(stored -> outcome(stored, request, settings, subject, actor))
                .onFailure(QuotaRecheck.class).recoverWithUni(e -> {
                    QuotaDecision decision = ((QuotaRecheck) e).decision;
                    if (decision.blocked()) {
                        return refused(decision, subject, actor);
                    }
                    return locked ? Uni.createFrom().failure(new IllegalStateException("the quotas changed their decision under their locks"))
                            : attempt(request, submitter, clientIp, settings, check, estimatedCost, attempt + 1);
                });
    }

    /** An approval a quota asks for (by an admin: quotas are theirs), else what the approval rules ask. */
    private static Optional<ApprovalNeed> need(QuotaDecision preview, Optional<ApprovalNeed> ruleNeed) {
        if (preview.needsApproval()) {
            String reason = "Quota requires approval: " + preview.decisive().orElseThrow().message();
            return Optional.of(new ApprovalNeed(null, reason, Submitter.Role.ADMIN));
        }
        return ruleNeed;
    }

    private Uni<Stored> store(SqlConnection tx, SubmitRequest request, Submission submission, CostLimits.Check check,
                              Optional<ApprovalNeed> need, ProviderSettings settings) {
        boolean held = need.isPresent();
        Submitter submitter = submission.submitter();
        String jobId = submission.jobId();
        // the generic provider's jobs are reported under tuneops' own id, once they may run
        JobRow draft = JobRow.builder().jobId(jobId).provider(request.provider())
                .providerJobId(request.provider() == Provider.GENERIC && !held ? jobId : null)
                .status(held ? JobStatus.PENDING_APPROVAL : JobStatus.PENDING)
                .submittedBy(submitter.actor()).idempotencyKey(request.idempotencyKey()).name(request.name())
                .hardware(request.hardware()).request(request.stored()).costUsd(BigDecimal.ZERO)
                .costLimitWarning(check.message()).userId(submitter.userId()).username(submitter.username())
                .teamId(submitter.teamId()).orgId(submitter.orgId()).estimatedCostUsd(submission.estimatedCostUsd()).build();
        return jobs.insertIfNew(tx, draft).chain(inserted -> {
            if (inserted.isEmpty()) {
                return Uni.createFrom().item(new Stored(null, null, null, QuotaDecision.NONE, need));
            }
            return credentials.issue(tx, jobId, settings.storageEndpoint(config.publicUrl())).chain(credential -> !held
                    ? Uni.createFrom().item(new Stored(inserted.get(), credential, null, QuotaDecision.NONE, need))
                    : approvals.open(tx, submission, need.get())
                    .map(requestId -> new Stored(inserted.get(), credential, requestId, QuotaDecision.NONE, need)));
        });
    }

    /** The stored job under the decision taken with the locks, unless that decision differs from the first look. */
    private static Stored settle(Stored stored, QuotaDecision preview, QuotaDecision confirmed) {
        if (confirmed.blocked() || confirmed.needsApproval() != preview.needsApproval()) {
            throw new QuotaRecheck(confirmed);
        }
        return new Stored(stored.job(), stored.credential(), stored.approvalRequestId(), confirmed, stored.need());
    }

    /** A submit a quota refused, reported (quota.exceeded) after its transaction ended. */
    private Uni<SubmitOutcome> refused(QuotaDecision decision, QuotaSubject subject, String actor) {
        return quotaNotifications.refused(subject, actor, decision).replaceWith(
                new SubmitOutcome.Blocked("Quota exceeded, job not submitted: " + decision.decisive().orElseThrow().message()));
    }

    private Uni<SubmitOutcome> outcome(Stored stored, SubmitRequest request, ProviderSettings settings, QuotaSubject subject,
                                       String actor) {
        if (stored.job() == null && stored.quotas().blocked()) {
            return refused(stored.quotas(), subject, actor);
        }
        if (stored.job() == null) {
            // a concurrent submit under the same idempotency key won
            return jobs.findByIdempotencyKey(actor, request.idempotencyKey())
                    .map(existing -> new SubmitOutcome.Replayed(existing.orElseThrow()));
        }
        List<String> warnings = stored.quotas().warnings();
        if (stored.held()) {
            return Uni.createFrom().item(new SubmitOutcome.Held(stored.job(), stored.credential().issued(),
                    stored.approvalRequestId(), stored.need().orElseThrow().reason(), warnings));
        }
        return starter.start(stored.job(), settings).map(started -> started.failure() != null
                ? new SubmitOutcome.ProviderFailed(started.job(), started.failure())
                : new SubmitOutcome.Created(started.job(), stored.credential().issued(), warnings));
    }

    /**
     * Who cancels a job: a person as the gateway vouched for them, or, with {@code person} null, a
     * caller known only by its actor (X-Tuneops-Actor), whose role is unknown here.
     */
    private record Canceller(String actor, Submitter person) {

        /**
         * Whether they may cancel a job held for approval: the rule of the request's own cancel route
         * (ApprovalRequest#cancellableBy). A caller known only by its actor must be the very
         * credential that submitted the job. A held job without a request (never written so) is
         * its submitter's or an admin's.
         */
        boolean mayCancelHeld(JobRow job, Optional<ApprovalRequest> request) {
            if (request.isPresent()) {
                return person != null ? request.get().cancellableBy(person) : request.get().submittedBy().equals(actor);
            }
            return job.submittedBy().equals(actor) || person != null && (person.role() == Submitter.Role.ADMIN
                    || person.userId() != null && person.userId().equals(job.userId()));
        }
    }

    /** Cancels a job for {@code caller}; a held one only for its submitter or someone with the role its request needs. */
    public Uni<CancelOutcome> cancel(String jobId, Submitter caller, String clientIp) {
        return cancel(jobId, new Canceller(caller.actor(), caller), clientIp);
    }

    /**
     * Cancels a job for a caller known only by its actor: a held job only when that same
     * credential submitted it, since the caller's user and role are unknown here. For routes that
     * do not have the caller as a {@link Submitter}; {@link #cancel(String, Submitter, String)}
     * applies the full rule.
     */
    public Uni<CancelOutcome> cancel(String jobId, String actor, String clientIp) {
        return cancel(jobId, new Canceller(actor, null), clientIp);
    }

    private Uni<CancelOutcome> cancel(String jobId, Canceller caller, String clientIp) {
        String actor = caller.actor();
        return jobs.find(jobId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new CancelOutcome.NotFound(jobId));
            }
            JobRow job = found.get();
            if (job.status().terminal()) {
                return Uni.createFrom().item(new CancelOutcome.NotCancellable(job));
            }
            if (job.status() == JobStatus.PENDING_APPROVAL) {
                return cancelHeld(job, caller, clientIp);
            }
            AuditEvent event = AuditEvent.of("job.cancelled", actor, clientIp, "job", jobId, "cancel",
                    new WebhookAuditDetails.JobCancelled(job.provider(), job.status()));
            return providers.settings(job.provider()).chain(settings -> cancelAtProvider(job, settings)
                            .chain(answer -> jobs.transaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
                                if (locked.isEmpty()) {
                                    return Uni.createFrom().item((CancelOutcome) new CancelOutcome.NotFound(jobId));
                                }
                                return settleCancel(tx, locked.get(), answer, settings);
                            }), (outcome, left) -> outcome instanceof CancelOutcome.Cancelled ? audit.append(event, left)
                                    : Uni.createFrom().voidItem())))
                    .onFailure(ProviderCallException.class)
                    .recoverWithItem(e -> new CancelOutcome.CancelFailed(job, e.getMessage()));
        });
    }

    /**
     * What the provider answered a cancel: its status and, from Replicate, the training as it
     * stands (empty for the generic provider, whose jobs end by their runner's report, and for a
     * training Replicate no longer knows).
     */
    private record CancelAnswer(String providerStatus, Optional<Snapshot> training) {
    }

    private Uni<CancelAnswer> cancelAtProvider(JobRow job, ProviderSettings settings) {
        if (job.provider() != Provider.REPLICATE || job.providerJobId() == null) {
            return Uni.createFrom().item(new CancelAnswer("canceled", Optional.empty()));
        }
        return replicate.cancelTraining(settings, job.providerJobId())
                .map(training -> new CancelAnswer(training.status(), Optional.of(snapshot(training))))
                // a training the provider no longer knows (deleted, another account's) runs nowhere: the
                // job ends here, or it would hold its quota for good with nothing left to end it
                .onFailure(e -> e instanceof ProviderCallException p && p.status() == 404).recoverWithItem(e -> {
                    LOG.warnf("job %s: %s does not know training %s any more; cancelled here", job.jobId(), job.provider(),
                            job.providerJobId());
                    return new CancelAnswer(null, Optional.empty());
                });
    }

    /**
     * The job under its lock after the provider's answer: cancelled, priced by the run time the
     * answer reports; or, when the training had ended on its own before the cancel reached it, as
     * it ended (the cancel then changed nothing).
     */
    private Uni<CancelOutcome> settleCancel(SqlConnection tx, JobRow current, CancelAnswer answer, ProviderSettings settings) {
        if (current.status().terminal()) {
            return Uni.createFrom().item(new CancelOutcome.NotCancellable(current));
        }
        Optional<Snapshot> ended = answer.training().filter(t -> t.mapped().terminal() && t.mapped() != JobStatus.CANCELLED);
        if (ended.isPresent()) {
            Optional<JobRow> next = JobTransitions.apply(current, ended.get(), settings, config.logsTail());
            return (next.isPresent() ? writer.save(tx, next.get()) : Uni.createFrom().item(current))
                    .map(CancelOutcome.NotCancellable::new);
        }
        Double ran = answer.training().map(Snapshot::predictTime).orElse(null);
        return writer.save(tx, JobTransitions.cancelled(current, answer.providerStatus(), ran, settings))
                .map(CancelOutcome.Cancelled::new);
    }

    /** A held job ended by a cancel, with the approval.cancelled event of the request it closed. */
    private record HeldEnd(JobRow job, Optional<AuditEvent> requestCancelled) {
    }

    /**
     * A job held for approval never reached its provider: it ends here, with its pending request and
     * its (never published) credentials, in one transaction, audited as job.cancelled and, for the
     * request, approval.cancelled, as the request's own cancel route audits it. Only whom that route
     * lets cancel the request may cancel the job (403 otherwise, nothing changed). Released
     * meanwhile, it is cancelled as any other job, at its provider too.
     */
    private Uni<CancelOutcome> cancelHeld(JobRow job, Canceller caller, String clientIp) {
        String jobId = job.jobId();
        String actor = caller.actor();
        AuditEvent event = AuditEvent.of("job.cancelled", actor, clientIp, "job", jobId, "cancel",
                new WebhookAuditDetails.JobCancelled(job.provider(), JobStatus.PENDING_APPROVAL));
        return approvals.latestRequest(jobId).chain(request -> {
            if (!caller.mayCancelHeld(job, request)) {
                return Uni.createFrom().failure(new CancelRefused(request.map(ApprovalDecisions::cancelRefusal)
                        .orElse("Only the submitter or an admin may cancel job " + jobId + " while it waits for approval")));
            }
            return jobs.transaction(tx -> jobs.abandonHeld(tx, jobId, "Cancelled by " + actor + " while waiting for approval")
                            .chain(ended -> ended.isEmpty() ? Uni.createFrom().item(Optional.<HeldEnd>empty())
                                    : credentials.revokeNow(tx, jobId).chain(() -> approvals.cancelForJob(tx, jobId, actor, clientIp))
                                    .map(closed -> Optional.of(new HeldEnd(ended.get(), closed)))),
                            (ended, left) -> ended.isEmpty() ? Uni.createFrom().voidItem()
                                    : audit.append(event, left).chain(() -> ended.get().requestCancelled().isEmpty()
                                    ? Uni.createFrom().voidItem() : audit.append(ended.get().requestCancelled().get(), left)))
                    .chain(ended -> ended.isPresent() ? Uni.createFrom().item(new CancelOutcome.Cancelled(ended.get().job()))
                            : cancel(jobId, caller, clientIp));
        });
    }

    public Uni<Optional<JobRow>> find(String jobId) {
        return jobs.find(jobId);
    }

    public Uni<Optional<JobDetail>> findWithUploads(String jobId) {
        return jobs.find(jobId).chain(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<JobDetail>empty())
                : uploads.read(jobId).map(progress -> Optional.of(new JobDetail(found.get(), progress))));
    }

    /** Newest first; a cursor (keyset) wins over the offset. */
    public Uni<JobListing> list(Optional<JobStatus> status, Optional<Provider> provider, int limit, int offset,
                                Optional<JobCursor> cursor) {
        return jobs.list(status, provider, limit, offset, cursor).chain(page -> withUploads(page.jobs())
                .map(details -> new JobListing(details, page.total(), cursor.isPresent() ? 0 : offset,
                        page.jobs().size() < limit ? null : JobCursor.after(page.jobs().get(page.jobs().size() - 1)).encode())));
    }

    /** The page's upload progress, read from Redis in parallel (one pipelined round trip in practice). */
    private Uni<List<JobDetail>> withUploads(List<JobRow> page) {
        if (page.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join().all(page.stream().map(job -> uploads.read(job.jobId()).map(p -> new JobDetail(job, p))).toList())
                .andFailFast();
    }

    /** Only a job in a terminal state is deleted: a running one is cancelled first. */
    public Uni<DeleteOutcome> delete(String jobId, String actor, String clientIp) {
        return jobs.find(jobId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new DeleteOutcome.NotFound(jobId));
            }
            if (!found.get().status().terminal()) {
                return Uni.createFrom().item(new DeleteOutcome.NotFinished(found.get()));
            }
            AuditEvent event = AuditEvent.of("job.deleted", actor, clientIp, "job", jobId, "delete", Map.of());
            return jobs.transaction(tx -> jobs.deleteTerminal(tx, jobId),
                            (deleted, left) -> deleted ? audit.append(event, left) : Uni.createFrom().voidItem())
                    .map(deleted -> deleted ? new DeleteOutcome.Deleted(jobId) : new DeleteOutcome.NotFound(jobId));
        });
    }

    private Uni<CostLimits.Check> costCheck(ProviderSettings settings) {
        Optional<JsonObject> limit = settings.costLimit();
        if (limit.isEmpty()) {
            return Uni.createFrom().item(CostLimits.Check.WITHIN);
        }
        return spent(settings.provider(), CostLimits.period(limit.get()))
                .map(spent -> CostLimits.check(limit.get(), spent.doubleValue(), settings.provider()));
    }

    /** What the provider's jobs created in the current daily, weekly or monthly period have cost. */
    public Uni<BigDecimal> spent(Provider provider, String period) {
        return jobs.spentSince(provider, CostLimits.periodStart(period, OffsetDateTime.now(ZoneOffset.UTC)));
    }

    /** For callers holding a wire name from {@link ProviderConfigService#PROVIDERS}. */
    public Uni<BigDecimal> spent(String provider, String period) {
        return spent(Provider.of(provider), period);
    }

    static Snapshot snapshot(ReplicateApi.Training t) {
        Double predictTime = t.metrics() == null ? null : t.metrics().predict_time();
        String status = JobStatus.fromProvider(t.status()).isPresent() ? t.status() : "starting";
        return new Snapshot(t.id(), status, t.logs(), storable(t.output()), text(t.error()), predictTime, null, null).withoutNul();
    }

    /** A JSON value from Jackson as the database client stores it in a jsonb column. */
    static Object storable(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isObject()) {
            return new JsonObject(value.toString());
        }
        if (value.isArray()) {
            return new JsonArray(value.toString());
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber()) {
            return value.numberValue();
        }
        return value.isBoolean() ? value.booleanValue() : value.toString();
    }

    /** A provider's error as text: a string as it is, anything else as its JSON. */
    static String text(JsonNode error) {
        if (error == null || error.isNull() || error.isMissingNode()) {
            return null;
        }
        return error.isTextual() ? error.textValue() : error.toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
