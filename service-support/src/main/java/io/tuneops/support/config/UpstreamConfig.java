package io.tuneops.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where each service listens, one setting per service for every caller: Kubernetes service names
 * in the chart, localhost ports in the local run. Set with TUNEOPS_UPSTREAM_GATEWAY, ..._WEBHOOK,
 * ..._STORAGE, ..._METRICS, ..._AUDIT, ..._CONSOLE. The gateway forwards to the owners and the
 * console; the console and metrics-service call the owners (and the gateway) directly.
 */
@ConfigMapping(prefix = "tuneops.upstream")
public interface UpstreamConfig {

    /** gateway-service, for the routes it owns itself (API keys, sessions, people). */
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

    /** The operator console (console-service), which serves the browser pages. */
    @WithDefault("http://localhost:8085")
    @HttpBaseUrl
    String console();
}
