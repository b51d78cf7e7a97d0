package io.tuneops.webhook.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.webhook.repository.JobRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Background upkeep on every replica (each step is safe to run concurrently): folds job-total
 * deltas into the totals every few seconds, and forgets webhook delivery ids older than any
 * provider's retry horizon.
 */
@ApplicationScoped
public class JobMaintenance {

    private static final Logger LOG = Logger.getLogger(JobMaintenance.class);
    /** Replicate retries a webhook for minutes; a month of ids is far beyond any redelivery. */
    static final Duration DELIVERY_RETENTION = Duration.ofDays(30);

    private final JobRepository jobs;
    private Cancellable compaction;
    private Cancellable retention;

    public JobMaintenance(JobRepository jobs) {
        this.jobs = jobs;
    }

    void start(@Observes StartupEvent event) {
        compaction = Multi.createFrom().ticks().startingAfter(Duration.ofSeconds(5)).every(Duration.ofSeconds(5))
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> jobs.compactTotals()
                        .onFailure().invoke(e -> LOG.debugf("job totals not compacted this time: %s", e.toString()))
                        .onFailure().recoverWithItem(0))
                .subscribe().with(n -> { }, e -> LOG.errorf("job totals compaction stopped: %s", e.toString()));
        retention = Multi.createFrom().ticks().startingAfter(Duration.ofMinutes(1)).every(Duration.ofHours(1))
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> jobs.forgetDeliveriesBefore(DELIVERY_RETENTION)
                        .onFailure().invoke(e -> LOG.warnf("old webhook deliveries not removed: %s", e.toString()))
                        .onFailure().recoverWithItem(0))
                .subscribe().with(n -> { }, e -> LOG.errorf("webhook delivery retention stopped: %s", e.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (compaction != null) {
            compaction.cancel();
        }
        if (retention != null) {
            retention.cancel();
        }
    }
}
