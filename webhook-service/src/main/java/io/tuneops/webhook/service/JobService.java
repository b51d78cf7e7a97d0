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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

    /** A job stored in its submit transaction, with the credential to publish before the COMMIT. */
    private record Inserted(JobRow job, UploadCredentials.Issuing credential) {
    }

    public JobService(JobRepository jobs, UploadCredentials credentials, UploadProgressReader uploads, JobWriter writer,
                      ProviderConfigService providers, ReplicateClient replicate, AuditAppender audit, JobsConfig config) {
        this.jobs = jobs;
        this.credentials = credentials;
        this.uploads = uploads;
        this.writer = writer;
        this.providers = providers;
        this.replicate = replicate;
        this.audit = audit;
        this.config = config;
    }

    public Uni<SubmitOutcome> submit(SubmitRequest request, String actor, String clientIp) {
        // a retry of an earlier submit gets that job back, whatever limits say now
        Uni<Optional<JobRow>> earlier = request.idempotencyKey() == null ? Uni.createFrom().item(Optional.empty())
                : jobs.findByIdempotencyKey(actor, request.idempotencyKey());
        return earlier.chain(found -> found.isPresent() ? Uni.createFrom().item(new SubmitOutcome.Replayed(found.get()))
                : create(request, actor, clientIp));
    }

    private Uni<SubmitOutcome> create(SubmitRequest request, String actor, String clientIp) {
        return providers.settings(request.provider()).chain(settings -> costCheck(settings).chain(check -> {
            if (check.blocked()) {
                return Uni.createFrom().item(new SubmitOutcome.Blocked(check.message()));
            }
            String jobId = "job_" + HexFormat.of().formatHex(randomBytes(10));
            // the generic provider's jobs are reported under tuneops' own id
            JobRow draft = JobRow.builder().jobId(jobId).provider(request.provider())
                    .providerJobId(request.provider() == Provider.GENERIC ? jobId : null).status(JobStatus.PENDING)
                    .submittedBy(actor).idempotencyKey(request.idempotencyKey()).name(request.name())
                    .hardware(request.hardware()).request(request.stored()).costUsd(BigDecimal.ZERO)
                    .costLimitWarning(check.message()).build();
            AuditEvent submitted = AuditEvent.of("job.submitted", actor, clientIp, "job", jobId, "submit",
                    new WebhookAuditDetails.JobSubmitted(request.provider(), request.name(), request.hardware()));
            // the audit event and the Redis write of the credentials come last, just before the commit
            return jobs.transaction(tx -> jobs.insertIfNew(tx, draft).chain(inserted -> inserted.isEmpty()
                            ? Uni.createFrom().<Optional<Inserted>>item(Optional.empty())
                            : credentials.issue(tx, jobId, settings.storageEndpoint(config.publicUrl()))
                            .map(c -> Optional.of(new Inserted(inserted.get(), c)))),
                            (inserted, left) -> inserted.isEmpty() ? Uni.createFrom().voidItem()
                                    : audit.append(submitted, left).chain(() -> credentials.publish(inserted.get().credential(), left)))
                    .map(inserted -> inserted.map(i -> new SubmitOutcome.Created(i.job(), i.credential().issued())))
                    .chain(created -> created.isPresent() ? start(created.get(), settings, request)
                            : jobs.findByIdempotencyKey(actor, request.idempotencyKey())
                            .map(existing -> (SubmitOutcome) new SubmitOutcome.Replayed(existing.orElseThrow())));
        }));
    }

    /** Hands a stored job to its provider; the generic provider's jobs are started by whoever runs them. */
    private Uni<SubmitOutcome> start(SubmitOutcome.Created created, ProviderSettings settings, SubmitRequest request) {
        if (request.provider() != Provider.REPLICATE) {
            return Uni.createFrom().item(created);
        }
        String webhook = config.publicUrl().replaceAll("/+$", "") + "/api/webhooks/" + request.provider().wire();
        String jobId = created.job().jobId();
        return replicate.createTraining(settings, request.version(), request.destination(), request.input(), webhook)
                .onItemOrFailure().transformToUni((training, failure) -> {
                    if (failure != null) {
                        String reason = "submission to " + request.provider() + " failed: " + failure.getMessage();
                        LOG.warnf("job %s: %s", jobId, reason);
                        return failIfPending(jobId, reason).map(job -> (SubmitOutcome) new SubmitOutcome.ProviderFailed(job, reason));
                    }
                    // the provider accepted it: from here on a failure must not mark the job failed (the
                    // training runs); it surfaces as a 503 and the provider's webhooks bring the job along
                    return jobs.transaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
                        JobRow withId = locked.orElseThrow().toBuilder().providerJobId(training.id()).build();
                        JobRow next = JobTransitions.apply(withId, snapshot(training), settings, config.logsTail()).orElse(withId);
                        return writer.save(tx, next);
                    })).map(job -> (SubmitOutcome) new SubmitOutcome.Created(job, created.credentials()));
                });
    }

    /** Marks a job whose submission failed, unless something (an operator's cancel) finished it meanwhile. */
    private Uni<JobRow> failIfPending(String jobId, String reason) {
        return jobs.transaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
            JobRow job = locked.orElseThrow();
            if (job.status() != JobStatus.PENDING) {
                return Uni.createFrom().item(job);
            }
            return writer.save(tx, JobTransitions.failed(job, reason));
        }));
    }

    public Uni<CancelOutcome> cancel(String jobId, String actor, String clientIp) {
        return jobs.find(jobId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new CancelOutcome.NotFound(jobId));
            }
            JobRow job = found.get();
            if (job.status().terminal()) {
                return Uni.createFrom().item(new CancelOutcome.NotCancellable(job));
            }
            Uni<String> atProvider = job.provider() == Provider.REPLICATE && job.providerJobId() != null
                    ? providers.settings(job.provider()).chain(s -> replicate.cancelTraining(s, job.providerJobId()))
                    .map(ReplicateApi.Training::status)
                    : Uni.createFrom().item("canceled");
            AuditEvent event = AuditEvent.of("job.cancelled", actor, clientIp, "job", jobId, "cancel",
                    new WebhookAuditDetails.JobCancelled(job.provider(), job.status()));
            return atProvider.chain(providerStatus -> jobs.transaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
                        if (locked.isEmpty()) {
                            return Uni.createFrom().item((CancelOutcome) new CancelOutcome.NotFound(jobId));
                        }
                        JobRow current = locked.get();
                        if (current.status().terminal()) {
                            return Uni.createFrom().item((CancelOutcome) new CancelOutcome.NotCancellable(current));
                        }
                        return writer.save(tx, JobTransitions.cancelled(current, providerStatus))
                                .map(c -> (CancelOutcome) new CancelOutcome.Cancelled(c));
                    }), (outcome, left) -> outcome instanceof CancelOutcome.Cancelled ? audit.append(event, left)
                            : Uni.createFrom().voidItem()))
                    .onFailure(ProviderCallException.class)
                    .recoverWithItem(e -> new CancelOutcome.CancelFailed(job, e.getMessage()));
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
        return new Snapshot(t.id(), status, t.logs(), storable(t.output()), text(t.error()), predictTime, null, null);
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
