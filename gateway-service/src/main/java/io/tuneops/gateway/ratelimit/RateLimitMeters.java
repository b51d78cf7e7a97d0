package io.tuneops.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tuneops.gateway.config.RateLimitConfig.FailureMode;
import io.tuneops.gateway.metrics.TrafficCounters;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This replica's view of its rate-limit backend for alerting: whether it is deciding without Redis
 * right now, and how many decisions each failure mode took. The cluster-wide traffic figures live
 * in Redis ({@link TrafficCounters}); these are per pod on purpose, since failing over is per pod.
 */
@ApplicationScoped
public class RateLimitMeters {

    private final AtomicInteger redisUnavailable = new AtomicInteger();
    private final Map<FailureMode, Counter> fallbackDecisions = new EnumMap<>(FailureMode.class);

    public RateLimitMeters(MeterRegistry registry) {
        registry.gauge("tuneops_rate_limit_redis_unavailable", redisUnavailable);
        for (FailureMode mode : FailureMode.values()) {
            fallbackDecisions.put(mode, Counter.builder("tuneops_rate_limit_fallback_decisions_total")
                    .description("Rate-limit decisions taken without Redis, by the rule's failure mode")
                    .tag("mode", mode.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
    }

    void redisAnswered() {
        redisUnavailable.lazySet(0);
    }

    void decidedWithoutRedis(FailureMode mode) {
        redisUnavailable.lazySet(1);
        fallbackDecisions.get(mode).increment();
    }
}
