package io.tuneops.webhook.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.webhook.config.NotificationConfig;
import io.tuneops.webhook.repository.JobStallRepository;
import io.tuneops.webhook.repository.JobStallRepository.QuietJob;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * job.stalled: every {@code tuneops.notifications.stall-check-interval}, a running job that has had
 * neither a report (its row's updated_at) nor an upload (storage-service's progress in Redis) for
 * {@code stall-after} is reported, once per quiet spell: the event id is derived from the job and
 * its last sign of life, so every replica's watchdog writes the same event once, and a job that
 * goes quiet again after new activity is reported again.
 */
@ApplicationScoped
public class JobStallWatchdog {

    private static final Logger LOG = Logger.getLogger(JobStallWatchdog.class);
    /** Quiet jobs looked at per check; more wait for the next one. */
    static final int BATCH = 500;
    private static final int CONCURRENCY = 8;

    private final JobStallRepository stalls;
    private final UploadProgressReader uploads;
    private final NotificationConfig config;
    private Cancellable ticks;

    public JobStallWatchdog(JobStallRepository stalls, UploadProgressReader uploads, NotificationConfig config) {
        this.stalls = stalls;
        this.uploads = uploads;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        ticks = Multi.createFrom().ticks().startingAfter(config.stallCheckInterval()).every(config.stallCheckInterval())
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> check(config.stallAfter())
                        .onFailure().invoke(e -> LOG.warnf("stalled jobs not looked for this time: %s", e.toString()))
                        .onFailure().recoverWithItem(0))
                .subscribe().with(n -> { }, e -> LOG.errorf("job stall watchdog stopped: %s", e.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (ticks != null) {
            ticks.cancel();
        }
    }

    /** Reports the running jobs quiet for {@code stallAfter}; returns how many events this call wrote. */
    public Uni<Integer> check(Duration stallAfter) {
        return stalls.quietRunning(stallAfter, BATCH).onItem().transformToMulti(Multi.createFrom()::iterable)
                .onItem().transformToUni(job -> report(job, stallAfter)).merge(CONCURRENCY)
                .collect().asList()
                .map(written -> (int) written.stream().filter(Boolean::booleanValue).count());
    }

    private Uni<Boolean> report(QuietJob job, Duration stallAfter) {
        // without its upload figures a job may be uploading: it is looked at again at the next check
        return uploads.read(job.jobId()).chain(progress -> progress.isEmpty() ? Uni.createFrom().item(false)
                : report(job, lastUpload(progress.get()), stallAfter));
    }

    private Uni<Boolean> report(QuietJob job, Optional<Instant> lastUpload, Duration stallAfter) {
        Instant lastReport = job.updatedAt().toInstant();
        Instant lastActivity = lastUpload.filter(u -> u.isAfter(lastReport)).orElse(lastReport);
        Instant now = Instant.now();
        Duration quiet = Duration.between(lastActivity, now);
        if (quiet.compareTo(stallAfter) < 0) {
            return Uni.createFrom().item(false);
        }
        JsonObject facts = new JsonObject().put("quiet_seconds", quiet.toSeconds())
                .put("last_report_at", lastReport.truncatedTo(ChronoUnit.MILLIS).toString())
                .put("last_upload_at", lastUpload.map(u -> u.truncatedTo(ChronoUnit.MILLIS).toString()).orElse(null));
        return stalls.recordStall("evt_stall_" + job.jobId() + "_" + lastActivity.getEpochSecond(), job, facts)
                .invoke(written -> {
                    if (written) {
                        LOG.infof("job %s reported as stalled: quiet for %d s", job.jobId(), quiet.toSeconds());
                    }
                });
    }

    private static Optional<Instant> lastUpload(UploadProgress progress) {
        if (progress.last_upload_at() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(progress.last_upload_at()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
