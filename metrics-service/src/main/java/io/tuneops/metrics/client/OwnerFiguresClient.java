package io.tuneops.metrics.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.config.MetricsConfig;
import io.tuneops.support.SharedNames;
import io.tuneops.support.config.InternalConfig;
import io.tuneops.support.config.UpstreamConfig;
import io.tuneops.support.figures.AuditFigures;
import io.tuneops.support.figures.JobFigures;
import io.tuneops.support.figures.ProviderHealthList;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The figures other services own, read from their internal endpoints (never routed by the
 * gateway; callers prove themselves with the internal secret). Each call is bounded by
 * {@code tuneops.metrics.fetch-timeout}. The payloads are service-support's figures records, the
 * same types the owners answer with.
 */
@ApplicationScoped
public class OwnerFiguresClient {

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
        return fetch("webhook-service", upstreams.webhook(), SharedNames.INTERNAL_JOBS_FIGURES, JobFigures.class);
    }

    public Uni<ProviderHealthList> providerHealth() {
        return fetch("webhook-service", upstreams.webhook(), SharedNames.INTERNAL_PROVIDER_HEALTH, ProviderHealthList.class);
    }

    public Uni<AuditFigures> audit() {
        return fetch("audit-service", upstreams.audit(), SharedNames.INTERNAL_AUDIT_FIGURES, AuditFigures.class);
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
                        throw new IllegalStateException(owner + " sent figures that are not the agreed JSON");
                    }
                });
    }
}
