package io.tuneops.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Pattern;

/**
 * Where the other services listen (the same TUNEOPS_UPSTREAM_* variables the gateway reads, plus
 * TUNEOPS_UPSTREAM_GATEWAY). metrics-service asks each of them for its readiness and, later, for
 * the figures it owns.
 */
@ConfigMapping(prefix = "tuneops.upstream")
public interface UpstreamConfig {

    String URL = "https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?/?";
    String URL_MESSAGE = "must be an http:// or https:// URL with a host and an optional port, without a path";

    @WithDefault("http://localhost:8080")
    @Pattern(regexp = URL, message = URL_MESSAGE)
    String gateway();

    @WithDefault("http://localhost:8081")
    @Pattern(regexp = URL, message = URL_MESSAGE)
    String webhook();

    @WithDefault("http://localhost:8082")
    @Pattern(regexp = URL, message = URL_MESSAGE)
    String storage();

    @WithDefault("http://localhost:8084")
    @Pattern(regexp = URL, message = URL_MESSAGE)
    String audit();
}
