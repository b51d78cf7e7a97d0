package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;
import java.util.Optional;

/**
 * API-key authentication. The secrets come from TUNEOPS_ADMIN_TOKEN, TUNEOPS_API_KEY_SECRET and
 * TUNEOPS_MONITORING_TOKEN, or from files named by the same variables with a _FILE suffix.
 */
@ConfigMapping(prefix = "tuneops.auth")
public interface AuthConfig {

    /** The bootstrap admin key (TUNEOPS_ADMIN_TOKEN); without one, only created keys work. */
    Optional<@Size(min = 24, message = "(TUNEOPS_ADMIN_TOKEN) must be at least 24 characters") String> adminToken();

    /** Key of the HMAC that API keys are stored under (TUNEOPS_API_KEY_SECRET). */
    @Size(min = 32, message = "(TUNEOPS_API_KEY_SECRET) must be set, at least 32 characters")
    String keySecret();

    /**
     * When set (TUNEOPS_MONITORING_TOKEN), the monitoring routes (health, Prometheus export) want
     * {@code Authorization: Bearer <token>} or an API key; unset, they are open as the guide expects.
     */
    Optional<String> monitoringToken();

    /** How long a replica may keep using what it knows of a key: revocation reaches every replica within it. */
    @WithDefault("1s")
    @DurationMin(millis = 100, message = "must be at least 100ms")
    @DurationMax(seconds = 1, message = "must be at most 1s (revocation must reach every replica within a second)")
    Duration keyCacheTtl();

    /**
     * Failed API-key authentications per client address and {@link #failurePeriod()} before further
     * failures are answered 429 (TUNEOPS_AUTH_FAILURE_LIMIT); 0 turns the throttle off. Requests
     * with a valid key are never refused by it.
     */
    @WithDefault("20")
    @Min(value = 0, message = "(TUNEOPS_AUTH_FAILURE_LIMIT) must be 0 (off) or more")
    int failureLimit();

    /** The sliding window of {@link #failureLimit()} (TUNEOPS_AUTH_FAILURE_PERIOD). */
    @WithDefault("60s")
    @DurationMin(seconds = 1, message = "(TUNEOPS_AUTH_FAILURE_PERIOD) must be at least 1s")
    @DurationMax(seconds = 86400, message = "(TUNEOPS_AUTH_FAILURE_PERIOD) must be at most 24h")
    Duration failurePeriod();
}
