package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRow;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands a stored pending job to its provider: at submit, or once an approver released it. A
 * failed call ends the job as failed, which also releases its quota reservation.
 */
@ApplicationScoped
public class JobStarter {

    private static final Logger LOG = Logger.getLogger(JobStarter.class);
    /** Attempts at storing an accepted training's id, the pause between them growing from this. */
    private static final int STORE_ATTEMPTS = 3;
    private static final Duration STORE_BACKOFF = Duration.ofMillis(200);

    /** The job after the attempt; {@code failure} says why the provider did not take it, null when it did. */
    public record Started(JobRow job, String failure) {
    }

    private final JobRepository jobs;
    private final JobWriter writer;
    private final ReplicateClient replicate;
    private final JobsConfig config;

    public JobStarter(JobRepository jobs, JobWriter writer, ReplicateClient replicate, JobsConfig config) {
        this.jobs = jobs;
        this.writer = writer;
        this.replicate = replicate;
        this.config = config;
    }

    /** The generic provider's jobs are started by whoever runs them: nothing to call. */
    public Uni<Started> start(JobRow job, ProviderSettings settings) {
        if (job.provider() != Provider.REPLICATE) {
            return Uni.createFrom().item(new Started(job, null));
        }
        String webhook = config.publicUrl().replaceAll("/+$", "") + "/api/webhooks/" + job.provider().wire();
        String jobId = job.jobId();
        JsonObject request = job.request() == null ? new JsonObject() : job.request();
        return replicate.createTraining(settings, request.getString("version"), request.getString("destination"),
                        request.getJsonObject("input", new JsonObject()), webhook)
                .onItemOrFailure().transformToUni((training, failure) -> {
                    if (failure != null) {
                        String reason = "submission to " + job.provider() + " failed: " + failure.getMessage();
                        LOG.warnf("job %s: %s", jobId, reason);
                        return failIfPending(jobId, reason).map(failed -> new Started(failed, reason));
                    }
                    // The provider accepted it. Its reports find the job by the training's id, so the id
                    // must be stored: tried again a few times, and when it cannot be, the training is
                    // cancelled (nothing could follow it) and the submit answers 503.
                    AtomicBoolean endedMeanwhile = new AtomicBoolean();
                    return jobs.transaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
                        endedMeanwhile.set(locked.orElseThrow().status().terminal());
                        JobRow withId = locked.orElseThrow().toBuilder().providerJobId(training.id()).build();
                        JobRow next = JobTransitions.apply(withId, JobService.snapshot(training), settings, config.logsTail())
                                .orElse(withId);
                        return writer.save(tx, next);
                    }))
                            .onFailure().retry().withBackOff(STORE_BACKOFF).atMost(STORE_ATTEMPTS - 1)
                            .onFailure().call(e -> unrecorded(settings, jobId, training.id(), e))
                            // cancelled, or failed as an interrupted submission, while Replicate took it:
                            // the training must not run unwatched
                            .call(saved -> endedMeanwhile.get() ? cancelQuietly(settings, jobId, training.id()) : Uni.createFrom().voidItem())
                            .map(saved -> new Started(saved, null));
                });
    }

    /**
     * A training whose id could not be stored: cancelled at Replicate, and the job failed if the
     * database lets it. Unless a COMMIT whose answer was lost stored it after all: then the job
     * follows its training as any other.
     */
    private Uni<Void> unrecorded(ProviderSettings settings, String jobId, String trainingId, Throwable failure) {
        return jobs.find(jobId).map(found -> found.map(JobRow::providerJobId).filter(trainingId::equals).isPresent())
                .onFailure().recoverWithItem(false)
                .chain(stored -> stored ? Uni.createFrom().voidItem() : cancelUnrecorded(settings, jobId, trainingId, failure));
    }

    private Uni<Void> cancelUnrecorded(ProviderSettings settings, String jobId, String trainingId, Throwable failure) {
        LOG.errorf("job %s: training %s could not be recorded (%s); cancelling it", jobId, trainingId, failure.toString());
        return cancelQuietly(settings, jobId, trainingId)
                .chain(() -> failIfPending(jobId, "the provider's training " + trainingId + " could not be recorded and was cancelled"))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private Uni<Void> cancelQuietly(ProviderSettings settings, String jobId, String trainingId) {
        LOG.warnf("job %s: cancelling its training %s at Replicate", jobId, trainingId);
        return replicate.cancelTraining(settings, trainingId).replaceWithVoid()
                .onFailure().invoke(e -> LOG.errorf("job %s: training %s not cancelled at Replicate: %s", jobId, trainingId, e.getMessage()))
                .onFailure().recoverWithNull();
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
}
