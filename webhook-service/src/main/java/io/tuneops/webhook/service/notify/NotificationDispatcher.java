package io.tuneops.webhook.service.notify;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.client.notify.SendResult;
import io.tuneops.webhook.config.NotificationConfig;
import io.tuneops.webhook.repository.NotificationDeliveryRepository;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes outbox events and delivers them, on every replica. Woken by LISTEN (an event or a
 * delivery was written) and by a poll timer (retries whose time came, missed wake-ups), it runs
 * one cycle at a time: route what is unrouted, then claim as many due deliveries as it has room
 * for (at most {@code concurrency} in flight) and send them concurrently. Each claim carries a
 * lease: a replica killed mid-delivery leaves its claims to be taken over when the lease ends, so
 * every delivery is made at least once; the outcome is recorded only by the holder of the latest
 * attempt. Nothing here blocks the event loop.
 */
@ApplicationScoped
public class NotificationDispatcher {

    private static final Logger LOG = Logger.getLogger(NotificationDispatcher.class);
    /** Route batches per cycle before the cycle yields to sending (it wakes itself again). */
    private static final int ROUTE_BATCHES_PER_CYCLE = 10;

    private final NotificationConfig config;
    private final NotificationRouter router;
    private final NotificationDeliveryRepository deliveries;
    private final ChannelDelivery channels;
    private final NotificationRenderer renderer;
    private final Backoff backoff;
    private final NotificationMeters meters;
    private final NotificationWakeups wakeups;
    private final Vertx vertx;

    private final AtomicBoolean cycleRunning = new AtomicBoolean();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running;
    private volatile boolean failing;
    private volatile boolean failedThisCycle;
    private long pollTimer = -1;

    public NotificationDispatcher(NotificationConfig config, NotificationRouter router, NotificationDeliveryRepository deliveries,
                                  ChannelDelivery channels, NotificationRenderer renderer, Backoff backoff,
                                  NotificationMeters meters, NotificationWakeups wakeups, Vertx vertx) {
        this.config = config;
        this.router = router;
        this.deliveries = deliveries;
        this.channels = channels;
        this.renderer = renderer;
        this.backoff = backoff;
        this.meters = meters;
        this.wakeups = wakeups;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("notifications disabled (tuneops.notifications.enabled=false): events are kept, not delivered");
            return;
        }
        if (config.lease().compareTo(config.deliveryTimeout()) <= 0) {
            LOG.warnf("tuneops.notifications.lease (%s) is not longer than delivery-timeout (%s): a slow attempt may be "
                    + "taken over and sent twice", config.lease(), config.deliveryTimeout());
        }
        running = true;
        wakeups.start(this::wake);
        pollTimer = vertx.setPeriodic(Math.max(10, config.pollInterval().toMillis()), id -> wake());
        wake();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        wakeups.stop();
    }

    /** Whether this replica routes and delivers. */
    public boolean running() {
        return running;
    }

    /** Asks for a cycle: one starts now unless one is running, which then runs once more. */
    public void wake() {
        if (!running) {
            return;
        }
        wakeRequested.set(true);
        if (cycleRunning.compareAndSet(false, true)) {
            cycle();
        }
    }

    private void cycle() {
        wakeRequested.set(false);
        // routing and sending fail independently: deliveries already written go out while routing fails
        routeAll(0).onFailure().recoverWithUni(e -> failed("routing", e).replaceWith(0))
                .chain(routed -> dispatchPass().onFailure().recoverWithUni(e -> failed("dispatch", e).replaceWith(0))
                        .map(claimed -> routed >= ROUTE_BATCHES_PER_CYCLE * router.batchSize()
                                || claimed > 0 && inFlight.get() < config.concurrency()))
                .subscribe().with(more -> {
                    if (failing && !failedThisCycle) {
                        failing = false;
                        LOG.info("notification routing and dispatch work again");
                    }
                    failedThisCycle = false;
                    finishCycle(more);
                }, e -> finishCycle(false));
    }

    /** Logs the first of a run of failures only: the poll retries every interval. */
    private Uni<Void> failed(String what, Throwable e) {
        failedThisCycle = true;
        if (!failing) {
            failing = true;
            LOG.warnf("notification %s failed, retrying at the next poll: %s", what, e.toString());
        }
        return Uni.createFrom().voidItem();
    }

    private void finishCycle(boolean more) {
        cycleRunning.set(false);
        if (more || wakeRequested.get()) {
            wake();
        }
    }

    /** Routes batch after batch while batches come full, up to a bound; how many events were routed. */
    private Uni<Integer> routeAll(int batches) {
        return router.routeOnce().chain(routed -> routed < router.batchSize() || batches + 1 >= ROUTE_BATCHES_PER_CYCLE
                ? Uni.createFrom().item(routed + batches * router.batchSize())
                : routeAll(batches + 1));
    }

    /**
     * Claims as many due deliveries as there is room for and starts sending them (the sends go on
     * after this returns); how many were claimed. Safe to run on any number of replicas at once.
     */
    public Uni<Integer> dispatchPass() {
        int room = Math.min(config.batchSize(), config.concurrency() - inFlight.get());
        if (room <= 0) {
            return Uni.createFrom().item(0);
        }
        inFlight.addAndGet(room);  // reserved while claiming, so concurrent passes stay within the bound
        return deliveries.claim(room, config.lease())
                .onTermination().invoke((claimed, failure, cancelled) ->
                        inFlight.addAndGet(-(room - (claimed == null ? 0 : claimed.size()))))
                .invoke(claimed -> claimed.forEach(this::deliver))
                .map(List::size);
    }

    private void deliver(ClaimedDelivery claim) {
        send(claim)
                .chain(result -> {
                    AttemptOutcome outcome = outcome(claim, result);
                    return deliveries.complete(claim, outcome).invoke(recorded -> {
                        if (!recorded) {
                            LOG.infof("delivery %d: attempt %d finished after its claim was taken over (or its channel was "
                                    + "deleted); outcome not recorded",
                                    claim.id(), claim.attempts());
                            return;
                        }
                        count(claim, outcome);
                    });
                })
                .eventually(() -> {
                    if (inFlight.decrementAndGet() == config.concurrency() - 1) {
                        wake();  // room again for a backlog that had filled every slot
                    }
                })
                .subscribe().with(recorded -> { }, e -> LOG.warnf("delivery %d: outcome not recorded (retried when its lease ends): %s",
                        claim.id(), e.toString()));
    }

    private Uni<SendResult> send(ClaimedDelivery claim) {
        Notification notification;
        try {
            notification = renderer.render(claim.event());
        } catch (RuntimeException e) {
            LOG.warnf(e, "event %s cannot be rendered", claim.event().eventId());
            return Uni.createFrom().item(SendResult.failed(null, "the event cannot be rendered: " + e.getMessage(), 0));
        }
        return channels.send(claim.channel(), claim.sealedSecret(), claim.recipients(), notification);
    }

    private AttemptOutcome outcome(ClaimedDelivery claim, SendResult result) {
        int latency = (int) Math.min(Integer.MAX_VALUE, result.latencyMs());
        if (result.success()) {
            return new AttemptOutcome(DeliveryStatus.DELIVERED, null, result.statusCode(), null, latency);
        }
        if (claim.attempts() >= config.maxAttempts()) {
            return new AttemptOutcome(DeliveryStatus.FAILED, null, result.statusCode(), result.error(), latency);
        }
        Duration wait = backoff.after(claim.attempts());
        return new AttemptOutcome(DeliveryStatus.PENDING, wait, result.statusCode(), result.error(), latency);
    }

    private void count(ClaimedDelivery claim, AttemptOutcome outcome) {
        ChannelType type = claim.channel().type();
        switch (outcome.status()) {
            case DELIVERED -> {
                meters.attempt(type, NotificationMeters.Outcome.DELIVERED);
                OffsetDateTime occurred = claim.event().occurredAt();
                if (occurred != null) {
                    meters.delivered(Duration.between(occurred.toInstant(), Instant.now()));
                }
            }
            case PENDING -> meters.attempt(type, NotificationMeters.Outcome.RETRY);
            default -> {
                meters.attempt(type, NotificationMeters.Outcome.FAILED);
                LOG.infof("delivery %d of %s on channel %s failed after %d attempts: %s", claim.id(), claim.event().eventId(),
                        claim.channel().id(), claim.attempts(), outcome.error());
            }
        }
    }
}
