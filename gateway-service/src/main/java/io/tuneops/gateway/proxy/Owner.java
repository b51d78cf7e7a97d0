package io.tuneops.gateway.proxy;

import io.tuneops.gateway.config.UpstreamConfig;

import java.util.List;
import java.util.function.Function;

/**
 * The routing table of the contract: which service owns which public prefix. {@code /internal/**}
 * and every prefix not listed here are never forwarded.
 */
public enum Owner {
    WEBHOOK("webhook-service", UpstreamConfig::webhook,
            List.of("/api/webhooks", "/api/cloud/providers", "/api/cloud/jobs")),
    STORAGE("storage-service", UpstreamConfig::storage, List.of("/api/cloud/storage")),
    METRICS("metrics-service", UpstreamConfig::metrics, List.of("/api/cloud/metrics", "/api/cloud/health")),
    AUDIT("audit-service", UpstreamConfig::audit, List.of("/api/audit"));

    private final String serviceName;
    private final Function<UpstreamConfig, String> address;
    private final List<String> prefixes;

    Owner(String serviceName, Function<UpstreamConfig, String> address, List<String> prefixes) {
        this.serviceName = serviceName;
        this.address = address;
        this.prefixes = prefixes;
    }

    public String serviceName() {
        return serviceName;
    }

    public List<String> prefixes() {
        return prefixes;
    }

    public String address(UpstreamConfig config) {
        return address.apply(config);
    }
}
