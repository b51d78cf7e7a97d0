package io.tuneops.webhook.service.notify;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.webhook.config.NotificationConfig;
import io.tuneops.webhook.repository.NotificationDeliveryRepository;
import io.tuneops.webhook.repository.NotificationEventRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Every {@link #EVERY}: counts the backlog for the gauges, and deletes routed events older than
 * {@code history-retention} whose deliveries are all finished (delivered or failed), with their
 * deliveries. Any replica may sweep; the deletes are idempotent. Ticks as ApprovalExpiry's do.
 */
@ApplicationScoped
public class NotificationUpkeep {

    static final Duration EVERY = Duration.ofSeconds(15);
    private static final int DELETE_BATCH = 1000;
    private static final int BATCHES_PER_TICK = 20;
    private static final Logger LOG = Logger.getLogger(NotificationUpkeep.class);

    private final NotificationConfig config;
    private final NotificationEventRepository events;
    private final NotificationDeliveryRepository deliveries;
    private final NotificationMeters meters;
    private Cancellable ticks;

    public NotificationUpkeep(NotificationConfig config, NotificationEventRepository events,
                              NotificationDeliveryRepository deliveries, NotificationMeters meters) {
        this.config = config;
        this.events = events;
        this.deliveries = deliveries;
        this.meters = meters;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        ticks = Multi.createFrom().ticks().startingAfter(Duration.ofSeconds(1)).every(EVERY)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> tick()
                        .onFailure().invoke(e -> LOG.debugf("notification upkeep skipped this time: %s", e.toString()))
                        .onFailure().recoverWithNull())
                .subscribe().with(v -> { }, e -> LOG.errorf("notification upkeep stopped: %s", e.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (ticks != null) {
            ticks.cancel();
        }
    }

    Uni<Void> tick() {
        return deliveries.backlog().invoke(counts -> meters.backlog(counts[0], counts[1]))
                .chain(() -> sweep(0, 0))
                .invoke(deleted -> {
                    if (deleted > 0) {
                        LOG.infof("deleted %d notification events older than %s with their deliveries", deleted,
                                config.historyRetention());
                    }
                })
                .replaceWithVoid();
    }

    /** Deletes expired events batch after batch, at most {@link #BATCHES_PER_TICK}; how many. */
    public Uni<Integer> sweep(int batches, int deletedSoFar) {
        return events.deleteExpired(config.historyRetention(), DELETE_BATCH).chain(deleted ->
                deleted < DELETE_BATCH || batches + 1 >= BATCHES_PER_TICK ? Uni.createFrom().item(deletedSoFar + deleted)
                        : sweep(batches + 1, deletedSoFar + deleted));
    }
}
