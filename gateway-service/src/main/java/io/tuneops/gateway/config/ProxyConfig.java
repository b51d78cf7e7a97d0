package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/** How the gateway talks to the owner services (TUNEOPS_PROXY_*). */
@ConfigMapping(prefix = "tuneops.proxy")
public interface ProxyConfig {

    /**
     * Longest wait for a connection to an owner (pool slot plus TCP connect). An owner that is
     * down answers a refused connection at once; this bounds the case of one that hangs.
     */
    @WithDefault("3s")
    @DurationMin(millis = 1, message = "must be positive")
    @DurationMax(minutes = 5, message = "must be at most 5 minutes")
    Duration connectTimeout();

    /**
     * Longest silence from an owner once the request has been sent in full (and between two
     * chunks of its response). It starts only after the request body, so a long upload is never
     * cut short by it.
     */
    @WithDefault("30s")
    @DurationMin(millis = 1, message = "must be positive")
    @DurationMax(hours = 1, message = "must be at most 1 hour")
    Duration responseTimeout();

    /** Connections kept per owner address. */
    @WithDefault("200")
    @Min(value = 1, message = "must be at least 1")
    @Max(value = 10000, message = "must be at most 10000")
    int maxConnectionsPerUpstream();
}
