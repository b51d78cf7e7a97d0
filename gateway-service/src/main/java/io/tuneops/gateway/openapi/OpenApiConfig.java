package io.tuneops.gateway.openapi;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/** The combined API description at {@code /api/openapi} (TUNEOPS_OPENAPI_*). */
@ConfigMapping(prefix = "tuneops.openapi")
public interface OpenApiConfig {

    /**
     * How long a combined description is served before the owners are asked again. Descriptions
     * change only when a service is redeployed, so a short time spares the owners a request per
     * reader while a rollout shows within it.
     */
    @WithDefault("30s")
    @DurationMax(hours = 1, message = "must be at most 1 hour")
    Duration cacheTtl();

    /** Longest wait for one owner's description; past it the owner counts as unavailable. */
    @WithDefault("5s")
    @DurationMin(millis = 1, message = "must be positive")
    @DurationMax(minutes = 1, message = "must be at most 1 minute")
    Duration fetchTimeout();

    /** The version the description states: the build's. */
    @WithDefault("${quarkus.application.version}")
    String version();
}
