package io.tuneops.gateway.ratelimit;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.RateLimitConfig;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The time limit and circuit breaker every rate-limit round trip to Redis runs under. They guard
 * a whole batch of decisions (see ScriptBatcher), not each decision: one timer and one breaker
 * outcome per round trip, which is what they are about.
 */
@ApplicationScoped
public class RateLimitRedisGuard {

    private final Duration timeout;

    public RateLimitRedisGuard(RateLimitConfig config) {
        this.timeout = config.redisTimeout();
    }

    /**
     * Fails fast (without asking Redis) while the breaker is open, after Redis failed or timed out
     * on most recent round trips; it half-opens after 5 s to try again, so recovery is automatic.
     */
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 3)
    @CircuitBreakerName("rate-limit-redis")
    public Uni<List<Response>> roundTrip(Supplier<Uni<List<Response>>> call) {
        return call.get().ifNoItem().after(timeout).fail();
    }
}
