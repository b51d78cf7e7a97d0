package io.tuneops.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/** The Prometheus export (TUNEOPS_METRICS_*). */
@ConfigMapping(prefix = "tuneops.metrics")
public interface MetricsConfig {

    /**
     * How long the export waits for one owner's figures (webhook-service, audit-service, Redis)
     * before it reports that category as a scrape error and answers with the rest.
     */
    @WithDefault("2s")
    @DurationMin(millis = 1, message = "must be positive")
    @DurationMax(seconds = 30, message = "must be at most 30 seconds")
    Duration fetchTimeout();
}
