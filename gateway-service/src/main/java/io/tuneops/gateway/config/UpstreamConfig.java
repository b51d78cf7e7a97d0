package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Pattern;

/**
 * Where each owner service listens: Kubernetes service names in the chart, localhost ports in the
 * local run. Set with TUNEOPS_UPSTREAM_WEBHOOK, ..._STORAGE, ..._METRICS, ..._AUDIT.
 */
@ConfigMapping(prefix = "tuneops.upstream")
public interface UpstreamConfig {

    String URL = "https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?/?";
    String URL_MESSAGE = "must be an http:// or https:// URL with a host and an optional port, without a path";

    @WithDefault("http://localhost:8081")
    @Pattern(regexp = URL, message = URL_MESSAGE)
    String webhook();

    @WithDefault("http://localhost:8082")
    @Pattern(regexp = URL, message = URL_MESSAGE)
    String storage();

    @WithDefault("http://localhost:8083")
    @Pattern(regexp = URL, message = URL_MESSAGE)
    String metrics();

    @WithDefault("http://localhost:8084")
    @Pattern(regexp = URL, message = URL_MESSAGE)
    String audit();
}
