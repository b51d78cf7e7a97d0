package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;
import java.util.Optional;

/**
 * Rate limiting (the guide's RATE_LIMIT_CALLS and RATE_LIMIT_PERIOD, and TUNEOPS_RATE_LIMIT_*).
 */
@ConfigMapping(prefix = "tuneops.rate-limit")
public interface RateLimitConfig {

    /** Requests per period for routes without a rule of their own (RATE_LIMIT_CALLS); 0 turns rate limiting off. */
    @Min(value = 0, message = "(RATE_LIMIT_CALLS) must be 0 (off) or more")
    int calls();

    /** The default rule's period in seconds (RATE_LIMIT_PERIOD). */
    @Min(value = 1, message = "(RATE_LIMIT_PERIOD) must be at least 1 second")
    @Max(value = 86400, message = "(RATE_LIMIT_PERIOD) must be at most 86400 seconds")
    int period();

    /**
     * More rules, as JSON (TUNEOPS_RATE_LIMIT_CUSTOM_RULES):
     * {@code [{"pattern":"^/api/cloud/expensive$","calls":5,"period":300,"methods":["POST"],"on_redis_failure":"closed"}]}.
     * They are tried before the built-in ones.
     */
    Optional<String> customRules();

    /** Per upload credential on storage routes: sized so a job uploads at full speed (100 requests/s). */
    @WithDefault("6000")
    @Min(1)
    int storageCredentialCalls();

    /** Per provider, for webhook senders inside that provider's allowlist: many jobs at once. */
    @WithDefault("6000")
    @Min(1)
    int webhookProviderCalls();

    /** Gateway replicas, to size the per-replica limit when Redis cannot be reached (mode local). */
    @WithDefault("1")
    @Min(1)
    int replicas();

    /** Longest wait for Redis on a decision before the rule's failure mode applies. */
    @WithDefault("50ms")
    @DurationMin(millis = 1, message = "must be positive")
    @DurationMax(millis = 50, message = "must be at most 50ms: a slow Redis must not slow every request")
    Duration redisTimeout();

    /** What rules without their own choice do when Redis is down or slow: local, open or closed. */
    @WithDefault("local")
    FailureMode onRedisFailure();

    enum FailureMode {
        /** An in-memory limiter per replica at limit / replicas. */
        LOCAL,
        /** Admit. */
        OPEN,
        /** Refuse with 503. */
        CLOSED
    }
}
