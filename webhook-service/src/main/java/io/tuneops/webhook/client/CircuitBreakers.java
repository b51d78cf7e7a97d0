package io.tuneops.webhook.client;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.config.OutboundConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One SmallRye circuit breaker per provider, shared by every call to it, plus a retry guard for
 * idempotent calls. Each replica's breaker state and every failure are written to Redis
 * ({@value #KEY_PREFIX}{provider}: {@code state:<replica>} fields and a {@code failures_total}
 * counter), so that {@link #clusterState} answers for the whole cluster whichever replica
 * metrics-service asks (the internal figures). An opening from closed is announced as a
 * {@link CircuitOpened} CDI event (system.circuit_open).
 */
@ApplicationScoped
public class CircuitBreakers {

    public static final String KEY_PREFIX = "tuneops:circuit-breakers:";
    private static final Logger LOG = Logger.getLogger(CircuitBreakers.class);

    record Guards(Guard breaker, Guard retry) {
    }

    /** Cluster-wide view of one provider's breaker. */
    public record ClusterState(String state, long failures) {
    }

    private final Map<String, Guards> guards = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerState> states = new ConcurrentHashMap<>();
    private final ReactiveRedisDataSource redis;
    private final OutboundConfig config;
    private final String replica = UUID.randomUUID().toString().substring(0, 8);

    private final StoreDeadlines deadlines;
    private final Event<CircuitOpened> opened;

    public CircuitBreakers(ReactiveRedisDataSource redis, OutboundConfig config, StoreDeadlines deadlines,
                           Event<CircuitOpened> opened) {
        this.redis = redis;
        this.config = config;
        this.deadlines = deadlines;
        this.opened = opened;
    }

    Guards guards(String provider) {
        return guards.computeIfAbsent(provider, this::create);
    }

    private Guards create(String provider) {
        Guard breaker = Guard.create()
                .withDescription("provider " + provider)
                .withCircuitBreaker()
                .name("provider-" + provider)
                .requestVolumeThreshold(config.breakerRequestVolume())
                .failureRatio(config.breakerFailureRatio())
                .delay(config.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(e -> !(e instanceof ProviderCallException p) || p.providerUnwell())
                .onStateChange(state -> record(provider, state))
                .onFailure(() -> countFailure(provider))
                .done()
                .build();
        Guard retry = Guard.create()
                .withDescription("idempotent calls to " + provider)
                .withRetry()
                .maxRetries(config.retries())
                .delay(200, ChronoUnit.MILLIS)
                .jitter(100, ChronoUnit.MILLIS)
                .whenException(e -> !(e instanceof ProviderCallException p) || p.providerUnwell())
                .done()
                .build();
        record(provider, CircuitBreakerState.CLOSED);
        return new Guards(breaker, retry);
    }

    private void record(String provider, CircuitBreakerState state) {
        LOG.infof("circuit breaker of provider %s is %s", provider, wire(state));
        deadlines.redis(redis.hash(String.class).hset(KEY_PREFIX + provider, "state:" + replica, wire(state)))
                .subscribe().with(v -> { }, e -> LOG.warnf("breaker state of %s not published: %s", provider, e.toString()));
        CircuitBreakerState before = states.put(provider, state);
        // a failed trial call reopens a half-open breaker: the same outage, not a new one to announce
        if (state == CircuitBreakerState.OPEN && before != CircuitBreakerState.HALF_OPEN) {
            opened.fire(new CircuitOpened(provider, Instant.now(), "calls to " + provider + " are refused for "
                    + config.breakerDelay().toSeconds() + " s: at least " + Math.round(config.breakerFailureRatio() * 100)
                    + " % of the last " + config.breakerRequestVolume() + " calls failed"));
        }
    }

    private void countFailure(String provider) {
        deadlines.redis(redis.hash(String.class).hincrby(KEY_PREFIX + provider, "failures_total", 1))
                .subscribe().with(v -> { }, e -> LOG.warnf("breaker failure of %s not counted: %s", provider, e.toString()));
    }

    /** Open if any replica's breaker is open, else half_open if any is half open, else closed. */
    public Uni<ClusterState> clusterState(String provider) {
        return deadlines.redis(redis.hash(String.class).hgetall(KEY_PREFIX + provider)).map(fields -> {
            String state = "closed";
            for (Map.Entry<String, String> f : fields.entrySet()) {
                if (f.getKey().startsWith("state:")) {
                    if ("open".equals(f.getValue())) {
                        state = "open";
                    } else if ("half_open".equals(f.getValue()) && !"open".equals(state)) {
                        state = "half_open";
                    }
                }
            }
            return new ClusterState(state, Long.parseLong(fields.getOrDefault("failures_total", "0")));
        });
    }

    /** Stops this replica from counting in the cluster-wide state when it shuts down. */
    @PreDestroy
    void leave() {
        for (String provider : guards.keySet()) {
            try {
                redis.hash(String.class).hdel(KEY_PREFIX + provider, "state:" + replica)
                        .await().atMost(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debugf("breaker state of %s not withdrawn: %s", provider, e.toString());
            }
        }
    }

    static String wire(CircuitBreakerState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
