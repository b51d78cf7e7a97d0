package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.audit.AuditLog;
import io.tuneops.webhook.client.ReplicateApi;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRow;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.DayOfWeek;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Submitting, cancelling and deleting jobs. */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    public sealed interface SubmitOutcome {
    }

    public record Created(JobRow job, UploadCredentials.Issued credentials) implements SubmitOutcome {
    }

    /** The caller already submitted under this idempotency key: that job, without credentials. */
    public record Replayed(JobRow job) implements SubmitOutcome {
    }

    public record Blocked(String reason) implements SubmitOutcome {
    }

    public record ProviderFailed(JobRow job, String reason) implements SubmitOutcome {
    }

    public sealed interface CancelOutcome {
    }

    public record Cancelled(JobRow job) implements CancelOutcome {
    }

    public record NotCancellable(JobRow job) implements CancelOutcome {
    }

    public record NotFound() implements CancelOutcome {
    }

    public record CancelFailed(JobRow job, String reason) implements CancelOutcome {
    }

    private final JobRepository jobs;
    private final UploadCredentials credentials;
    private final JobWriter writer;
    private final ProviderConfigService providers;
    private final ReplicateClient replicate;
    private final AuditLog audit;
    private final JobsConfig config;

    public JobService(JobRepository jobs, UploadCredentials credentials, JobWriter writer, ProviderConfigService providers,
                      ReplicateClient replicate, AuditLog audit, JobsConfig config) {
        this.jobs = jobs;
        this.credentials = credentials;
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
        return earlier.chain(found -> found.isPresent() ? Uni.createFrom().item(new Replayed(found.get()))
                : create(request, actor, clientIp));
    }

    private Uni<SubmitOutcome> create(SubmitRequest request, String actor, String clientIp) {
        return providers.settings(request.provider()).chain(settings -> costCheck(settings).chain(check -> {
            if (check.blocked()) {
                return Uni.createFrom().item(new Blocked(check.message()));
            }
            String jobId = "job_" + HexFormat.of().formatHex(randomBytes(10));
            JobRow draft = new JobRow(jobId, request.provider(), "generic".equals(request.provider()) ? jobId : null,
                    JobStatus.PENDING.wire(), null, actor, request.idempotencyKey(), request.name(), request.hardware(),
                    request.stored(), null, null, null, null, BigDecimal.ZERO, check.message(), null, null, null, null);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("provider", request.provider());
            details.put("name", request.name());
            details.put("hardware", request.hardware());
            AuditEvent submitted = AuditEvent.of("job.submitted", actor, clientIp, "job", jobId, "submit", details);
            return jobs.pool().withTransaction(tx -> jobs.insertIfNew(tx, draft).chain(inserted -> inserted.isEmpty()
                            ? Uni.createFrom().<Optional<Created>>item(Optional.empty())
                            : audit.append(submitted)
                            // the Redis write of the credentials comes last, just before the commit
                            .chain(() -> credentials.issue(tx, jobId, settings.storageEndpoint(config.publicUrl())))
                            .map(c -> Optional.of(new Created(inserted.get(), c)))))
                    .chain(created -> created.isPresent() ? start(created.get(), settings, request)
                            : jobs.findByIdempotencyKey(actor, request.idempotencyKey())
                            .map(existing -> (SubmitOutcome) new Replayed(existing.orElseThrow())));
        }));
    }

    /** Hands a stored job to its provider; the generic provider's jobs are started by whoever runs them. */
    private Uni<SubmitOutcome> start(Created created, ProviderSettings settings, SubmitRequest request) {
        if (!"replicate".equals(request.provider())) {
            return Uni.createFrom().item(created);
        }
        String webhook = config.publicUrl().replaceAll("/+$", "") + "/api/webhooks/" + request.provider();
        String jobId = created.job().jobId();
        return replicate.createTraining(settings, request.version(), request.destination(), request.input(), webhook)
                .onItemOrFailure().transformToUni((training, failure) -> {
                    if (failure != null) {
                        String reason = "submission to " + request.provider() + " failed: " + failure.getMessage();
                        LOG.warnf("job %s: %s", jobId, reason);
                        return failIfPending(jobId, reason).map(job -> (SubmitOutcome) new ProviderFailed(job, reason));
                    }
                    // the provider accepted it: from here on a failure must not mark the job failed (the
                    // training runs); it surfaces as a 503 and the provider's webhooks bring the job along
                    return jobs.pool().withTransaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
                        JobRow job = locked.orElseThrow();
                        JobRow withId = new JobRow(job.jobId(), job.provider(), training.id(), job.status(), job.providerStatus(),
                                job.submittedBy(), job.idempotencyKey(), job.name(), job.hardware(), job.request(), job.logs(),
                                job.output(), job.error(), job.predictTime(), job.costUsd(), job.costLimitWarning(),
                                job.createdAt(), job.updatedAt(), job.startedAt(), job.completedAt());
                        JobRow next = JobTransitions.apply(withId, snapshot(training), settings, config.logsTail()).orElse(withId);
                        return writer.save(tx, next);
                    })).map(job -> (SubmitOutcome) new Created(job, created.credentials()));
                });
    }

    /** Marks a job whose submission failed, unless something (an operator's cancel) finished it meanwhile. */
    private Uni<JobRow> failIfPending(String jobId, String reason) {
        return jobs.pool().withTransaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
            JobRow job = locked.orElseThrow();
            if (!JobStatus.PENDING.wire().equals(job.status())) {
                return Uni.createFrom().item(job);
            }
            return writer.save(tx, JobTransitions.failed(job, reason));
        }));
    }

    public Uni<CancelOutcome> cancel(String jobId, String actor, String clientIp) {
        return jobs.find(jobId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new NotFound());
            }
            JobRow job = found.get();
            if (JobStatus.fromWire(job.status()).orElseThrow().terminal()) {
                return Uni.createFrom().item(new NotCancellable(job));
            }
            Uni<String> atProvider = "replicate".equals(job.provider()) && job.providerJobId() != null
                    ? providers.settings(job.provider()).chain(s -> replicate.cancelTraining(s, job.providerJobId()))
                    .map(ReplicateApi.Training::status)
                    : Uni.createFrom().item("canceled");
            AuditEvent event = AuditEvent.of("job.cancelled", actor, clientIp, "job", jobId, "cancel",
                    Map.of("provider", job.provider(), "previous_status", job.status()));
            return atProvider.chain(providerStatus -> jobs.pool().withTransaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
                        if (locked.isEmpty()) {
                            return Uni.createFrom().item((CancelOutcome) new NotFound());
                        }
                        JobRow current = locked.get();
                        if (JobStatus.fromWire(current.status()).orElseThrow().terminal()) {
                            return Uni.createFrom().item((CancelOutcome) new NotCancellable(current));
                        }
                        return writer.save(tx, JobTransitions.cancelled(current, providerStatus))
                                .call(c -> audit.append(event))
                                .map(c -> (CancelOutcome) new Cancelled(c));
                    })))
                    .onFailure(io.tuneops.webhook.client.ProviderCallException.class)
                    .recoverWithItem(e -> new CancelFailed(job, e.getMessage()));
        });
    }

    public Uni<Optional<JobRow>> find(String jobId) {
        return jobs.find(jobId);
    }

    public Uni<Boolean> delete(String jobId, String actor, String clientIp) {
        AuditEvent event = AuditEvent.of("job.deleted", actor, clientIp, "job", jobId, "delete", Map.of());
        return jobs.pool().withTransaction(tx -> jobs.deleteTerminal(tx, jobId)
                .call(deleted -> deleted ? audit.append(event) : Uni.createFrom().voidItem()));
    }

    record CostCheck(boolean blocked, String message) {
    }

    /** At 80 % of a limit submissions carry a warning; at 100 % a blocking limit refuses them. */
    private Uni<CostCheck> costCheck(ProviderSettings settings) {
        Optional<JsonObject> limit = settings.costLimit();
        if (limit.isEmpty()) {
            return Uni.createFrom().item(new CostCheck(false, null));
        }
        double amount = limit.get().getDouble("amount");
        String period = limit.get().getString("period", "monthly");
        boolean block = "block".equals(limit.get().getString("action"));
        return spent(settings.provider(), period).map(spent -> {
            double used = spent.doubleValue();
            String figures = String.format(java.util.Locale.ROOT, "$%.2f of the %s limit of $%.2f for %s", used, period,
                    amount, settings.provider());
            if (used >= amount) {
                return block ? new CostCheck(true, "Cost limit reached: " + figures + " spent")
                        : new CostCheck(false, "Cost limit exceeded: " + figures + " spent");
            }
            return used >= 0.8 * amount ? new CostCheck(false, "Cost limit nearly reached: " + figures + " spent")
                    : new CostCheck(false, null);
        });
    }

    public Uni<BigDecimal> spent(String provider, String period) {
        return jobs.spentSince(provider, periodStart(period));
    }

    static OffsetDateTime periodStart(String period) {
        OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return switch (period) {
            case "daily" -> today;
            case "weekly" -> today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            default -> today.withDayOfMonth(1);
        };
    }

    static Snapshot snapshot(ReplicateApi.Training t) {
        Double predictTime = t.metrics() != null && t.metrics().get("predict_time") instanceof Number n ? n.doubleValue() : null;
        String status = JobStatus.fromProvider(t.status()).isPresent() ? t.status() : "starting";
        return new Snapshot(t.id(), status, t.logs(), jsonValue(t.output()),
                t.error() == null ? null : t.error().toString(), predictTime, null, null);
    }

    /** Jackson's maps and lists as the JSON values the database client stores. */
    @SuppressWarnings("unchecked")
    private static Object jsonValue(Object value) {
        if (value instanceof java.util.Map<?, ?> map) {
            return new JsonObject((java.util.Map<String, Object>) map);
        }
        if (value instanceof java.util.List<?> list) {
            return new io.vertx.core.json.JsonArray((java.util.List<Object>) list);
        }
        return value;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
