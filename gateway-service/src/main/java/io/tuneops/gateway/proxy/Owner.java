package io.tuneops.gateway.proxy;

import io.tuneops.support.config.UpstreamConfig;

import java.util.List;
import java.util.function.Function;

/**
 * The routing table of the contract: which service owns which public prefix. {@code /internal/**}
 * and every prefix not listed here are never forwarded. {@code /} alone is a path, not a prefix.
 * A prefix may name a segment as a parameter ({@code /api/orgs/{org_id}/quotas}: any one segment
 * there), for an owner's routes under another's prefix; the proxy's routes are consulted before
 * the gateway's own, so the organisations' quotas reach webhook-service, not the gateway's
 * {@code /api/orgs}.
 */
public enum Owner {
    WEBHOOK("webhook-service", UpstreamConfig::webhook,
            List.of("/api/webhooks", "/api/cloud/providers", "/api/cloud/jobs", "/api/cloud/hardware-options",
                    "/api/cloud/cost-estimate", "/api/quotas", "/api/approvals", "/api/orgs/{org_id}/quotas",
                    "/api/orgs/{org_id}/teams/{team_id}/quotas", "/api/cloud/notifications")),
    STORAGE("storage-service", UpstreamConfig::storage, List.of("/api/cloud/storage")),
    METRICS("metrics-service", UpstreamConfig::metrics, List.of("/api/cloud/metrics", "/api/cloud/health", "/api/metrics")),
    AUDIT("audit-service", UpstreamConfig::audit, List.of("/api/audit")),
    /**
     * The operator console's pages, for browsers: not part of the API description. Its pages are
     * listed one by one, as every owner's prefixes are, so that a path nobody serves is the
     * gateway's own 404 and scanners' guesses never reach the console.
     */
    CONSOLE("console-service", UpstreamConfig::console, List.of("/", "/sign-in", "/jobs", "/submit", "/providers",
            "/metrics", "/health", "/audit", "/keys", "/users", "/teams", "/quotas", "/approvals", "/notifications",
            "/assets", "/favicon.ico"), false);

    private final String serviceName;
    private final Function<UpstreamConfig, String> address;
    private final List<String> prefixes;
    private final boolean servesApi;

    Owner(String serviceName, Function<UpstreamConfig, String> address, List<String> prefixes) {
        this(serviceName, address, prefixes, true);
    }

    Owner(String serviceName, Function<UpstreamConfig, String> address, List<String> prefixes, boolean servesApi) {
        this.serviceName = serviceName;
        this.address = address;
        this.prefixes = prefixes;
        this.servesApi = servesApi;
    }

    public String serviceName() {
        return serviceName;
    }

    public List<String> prefixes() {
        return prefixes;
    }

    /** Whether its routes belong to the public API (and to its OpenAPI description). */
    public boolean servesApi() {
        return servesApi;
    }

    public String address(UpstreamConfig config) {
        return address.apply(config);
    }
}
