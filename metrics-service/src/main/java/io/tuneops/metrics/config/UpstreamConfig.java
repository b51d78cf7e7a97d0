package io.tuneops.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tuneops.support.config.HttpBaseUrl;

/**
 * Where the other services listen (the same TUNEOPS_UPSTREAM_* variables the gateway reads, plus
 * TUNEOPS_UPSTREAM_GATEWAY). metrics-service asks each of them for its readiness and, later, for
 * the figures it owns.
 */
@ConfigMapping(prefix = "tuneops.upstream")
public interface UpstreamConfig {

    @WithDefault("http://localhost:8080")
    @HttpBaseUrl
    String gateway();

    @WithDefault("http://localhost:8081")
    @HttpBaseUrl
    String webhook();

    @WithDefault("http://localhost:8082")
    @HttpBaseUrl
    String storage();

    @WithDefault("http://localhost:8084")
    @HttpBaseUrl
    String audit();
}
