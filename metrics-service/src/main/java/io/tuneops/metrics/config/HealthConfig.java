package io.tuneops.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/** The aggregated health (TUNEOPS_HEALTH_*). */
@ConfigMapping(prefix = "tuneops.health")
public interface HealthConfig {

    /**
     * How long one service may take to answer its readiness probe before it counts as not ready:
     * below the 2 s the chart gives /api/cloud/health/ready's own probe, and above each service's
     * store checks (TUNEOPS_READINESS_TIMEOUT, 1 s), so a frozen store is reported, not timed out.
     */
    @WithDefault("1500ms")
    @DurationMin(millis = 1, message = "must be positive")
    @DurationMax(seconds = 30, message = "must be at most 30 seconds")
    Duration probeTimeout();
}
