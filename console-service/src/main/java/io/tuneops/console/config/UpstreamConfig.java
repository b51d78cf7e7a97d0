package io.tuneops.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tuneops.support.config.HttpBaseUrl;

/**
 * Where the owners listen: the same TUNEOPS_UPSTREAM_* variables the gateway reads. The console
 * calls their public routes directly, as the gateway does, and the gateway itself for the API keys
 * it owns (TUNEOPS_UPSTREAM_GATEWAY).
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

    @WithDefault("http://localhost:8083")
    @HttpBaseUrl
    String metrics();

    @WithDefault("http://localhost:8084")
    @HttpBaseUrl
    String audit();
}
