package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tuneops.support.config.HttpBaseUrl;

/**
 * Where each owner service listens: Kubernetes service names in the chart, localhost ports in the
 * local run. Set with TUNEOPS_UPSTREAM_WEBHOOK, ..._STORAGE, ..._METRICS, ..._AUDIT, ..._CONSOLE.
 */
@ConfigMapping(prefix = "tuneops.upstream")
public interface UpstreamConfig {

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

    /** The operator console (console-service), which serves the browser pages. */
    @WithDefault("http://localhost:8085")
    @HttpBaseUrl
    String console();
}
