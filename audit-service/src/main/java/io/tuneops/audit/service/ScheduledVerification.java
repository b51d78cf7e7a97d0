package io.tuneops.audit.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.audit.config.AuditConfig;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Verifies the whole chain every {@code tuneops.audit.verify-every}, so tampering is found (and
 * the broken-chain alert fires) without anyone calling GET /api/audit/verify. One replica per
 * period does it: the first to set a Redis key that lives slightly less than the period; the key
 * is not released afterwards, which is what keeps the others from verifying the same chain again.
 */
@ApplicationScoped
public class ScheduledVerification {

    static final String LOCK = "tuneops:audit:verify-lock";
    private static final Logger LOG = Logger.getLogger(ScheduledVerification.class);

    private final ChainVerifier verifier;
    private final ReactiveRedisDataSource redis;
    private final Duration every;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    public ScheduledVerification(ChainVerifier verifier, ReactiveRedisDataSource redis, AuditConfig config, Vertx vertx) {
        this.verifier = verifier;
        this.redis = redis;
        this.every = config.verifyEvery();
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (every.isZero() || every.isNegative()) {
            LOG.info("scheduled audit chain verification is off (tuneops.audit.verify-every=0)");
            return;
        }
        // the first run soon after start, so frequent restarts cannot postpone it forever
        long first = Math.min(every.toMillis(), 60_000L);
        timer = vertx.setPeriodic(first, every.toMillis(), id -> {
            if (!running.compareAndSet(false, true)) {  // a long verification is not overlapped by the next
                LOG.warn("scheduled audit chain verification still running from the previous period; this one is skipped");
                return;
            }
            verifyIfDue().eventually(() -> running.set(false))
                    .subscribe().with(r -> { }, e -> LOG.warnf("scheduled audit chain verification not run: %s", e.toString()));
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Verifies the whole chain unless another replica already did in this period; the result, or
     * null when it was another replica's turn.
     */
    public Uni<ChainVerifier.Result> verifyIfDue() {
        long hold = Math.max(1, every.toMillis() * 9 / 10);
        return redis.execute("SET", LOCK, "1", "NX", "PX", Long.toString(hold))
                .flatMap(taken -> taken == null ? Uni.createFrom().nullItem() : verifier.verify(1, Long.MAX_VALUE))
                .invoke(result -> {
                    if (result == null) {
                        LOG.debug("scheduled audit chain verification: another replica's turn");
                    } else if (result.valid()) {
                        LOG.infof("audit chain verified: %d entries up to %d, intact", result.entries_checked(), result.to_seq());
                    } else {
                        LOG.errorf("audit chain BROKEN at entry %d: %s (%d entries checked before it)",
                                result.first_broken_link().seq(), result.first_broken_link().reason(), result.entries_checked());
                    }
                });
    }
}
