package io.tuneops.metrics.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.config.MetricsConfig;
import io.tuneops.metrics.config.UpstreamConfig;
import io.tuneops.support.config.InternalConfig;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;

/**
 * The figures other services own, read from their internal endpoints (never routed by the
 * gateway; callers prove themselves with the internal secret). Each call is bounded by
 * {@code tuneops.metrics.fetch-timeout}.
 */
@ApplicationScoped
public class OwnerFiguresClient {

    public static final String JOBS_PATH = "/internal/jobs/figures";
    public static final String AUDIT_PATH = "/internal/audit/figures";
    public static final String PROVIDER_HEALTH_PATH = "/internal/providers/health";

    /** webhook-service's live provider API checks ({@code GET /internal/providers/health}). */
    public record ProviderHealthList(java.util.List<ProviderHealth> providers) {
    }

    /** {@code status}: healthy, unhealthy or unconfigured. */
    public record ProviderHealth(String name, String status, Double latency_ms, String message) {
    }

    /** webhook-service's {@code GET /internal/jobs/figures}; a null value means "unknown". */
    public record JobFigures(Long jobs_total, Map<String, Long> jobs_by_status, Long jobs_active, Double cost_usd_total,
                             Double job_duration_seconds_avg, Map<String, BreakerFigures> circuit_breakers,
                             Map<String, ProviderFigures> providers) {
    }

    /** {@code state} is closed, open or half_open; {@code failures} counts every failure the breaker saw. */
    public record BreakerFigures(String state, Long failures) {
    }

    public record ProviderFigures(Double cost_limit_percent_used, Double credit_balance) {
    }

    /** audit-service's {@code GET /internal/audit/figures}. */
    public record AuditFigures(Long entries_total, Long entries_24h, Map<String, Long> entries_by_type,
                               Long chain_head_seq) {
    }

    private final WebClient client;
    private final ObjectMapper json;
    private final UpstreamConfig upstreams;
    private final String secret;
    private final Duration timeout;

    public OwnerFiguresClient(Vertx vertx, ObjectMapper json, UpstreamConfig upstreams, InternalConfig internal,
                              MetricsConfig config) {
        this.json = json;
        this.upstreams = upstreams;
        this.secret = internal.secret().filter(s -> !s.isBlank()).orElse(null);
        this.timeout = config.fetchTimeout();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.max(1, timeout.toMillis()))
                .setKeepAlive(true)
                .setMaxPoolSize(8));
    }

    public Uni<JobFigures> jobs() {
        return fetch("webhook-service", upstreams.webhook(), JOBS_PATH, JobFigures.class);
    }

    public Uni<ProviderHealthList> providerHealth() {
        return fetch("webhook-service", upstreams.webhook(), PROVIDER_HEALTH_PATH, ProviderHealthList.class);
    }

    public Uni<AuditFigures> audit() {
        return fetch("audit-service", upstreams.audit(), AUDIT_PATH, AuditFigures.class);
    }

    private <T> Uni<T> fetch(String owner, String baseUrl, String path, Class<T> type) {
        if (secret == null) {
            return Uni.createFrom().failure(new IllegalStateException(
                    "TUNEOPS_INTERNAL_SECRET is not set, " + owner + " would refuse the request"));
        }
        String url = baseUrl.replaceAll("/+$", "") + path;
        return client.getAbs(url)
                .putHeader(GatewayIdentityHandler.SECRET_HEADER, secret)
                .putHeader("Accept", "application/json")
                .timeout(timeout.toMillis())
                .send()
                .ifNoItem().after(timeout).failWith(() -> new IllegalStateException(
                        owner + " did not answer within " + timeout.toMillis() + " ms"))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(owner + " answered HTTP " + response.statusCode());
                    }
                    try {
                        return json.readValue(response.bodyAsString(), type);
                    } catch (Exception e) {
                        throw new IllegalStateException(owner + " sent figures that are not the agreed JSON: "
                                + e.getClass().getSimpleName());
                    }
                });
    }
}
