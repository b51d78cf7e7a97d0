package io.tuneops.metrics.service;

import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.config.HealthConfig;
import io.tuneops.support.config.UpstreamConfig;
import io.tuneops.support.http.FailureWords;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Readiness of the whole suite: this service's own PostgreSQL and Redis checks plus the readiness
 * probe of every other service, asked in parallel, each bounded by the probe timeout.
 */
@ApplicationScoped
public class ServiceReadiness {

    private static final Logger LOG = Logger.getLogger(ServiceReadiness.class);

    private final SmallRyeHealthReporter health;
    private final WebClient client;
    private final Map<String, String> services;
    private final Duration probeTimeout;

    public ServiceReadiness(SmallRyeHealthReporter health, Vertx vertx, UpstreamConfig upstreams, HealthConfig config) {
        this.health = health;
        this.probeTimeout = config.probeTimeout();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) probeTimeout.toMillis())
                .setKeepAlive(true));
        this.services = new LinkedHashMap<>();
        services.put("gateway-service", upstreams.gateway());
        services.put("webhook-service", upstreams.webhook());
        services.put("storage-service", upstreams.storage());
        services.put("audit-service", upstreams.audit());
    }

    /** One service's readiness probe: how long it took and, when not ready, why. */
    public record ServiceProbe(String name, boolean ready, double latencyMs, String message) {
    }

    /** Component name to {@code up} or {@code down}: database, redis, then each service. */
    public Uni<Map<String, String>> components() {
        return Uni.combine().all().unis(ownBackends(), services()).with((backends, probes) -> {
            Map<String, String> components = new LinkedHashMap<>(backends);
            probes.forEach(p -> components.put(p.name(), p.ready() ? "up" : "down"));
            return components;
        });
    }

    /** Every other service's readiness, asked in parallel, in a fixed order (gateway, webhook, storage, audit). */
    public Uni<List<ServiceProbe>> services() {
        List<Uni<ServiceProbe>> probes = new ArrayList<>();
        services.forEach((name, url) -> probes.add(probe(name, url)));
        return Uni.join().all(probes).andFailFast();
    }

    /** This service's own PostgreSQL and Redis, as SmallRye Health's readiness checks see them. */
    private Uni<Map<String, String>> ownBackends() {
        return health.getReadinessAsync().map(result -> {
            boolean database = true;
            boolean redis = true;
            for (Object o : result.getPayload().getJsonArray("checks")) {
                JsonObject check = (JsonObject) o;
                boolean up = "UP".equals(check.getString("status"));
                if (check.getString("name", "").toLowerCase().contains("redis")) {
                    redis &= up;
                } else {
                    database &= up;
                }
            }
            Map<String, String> backends = new LinkedHashMap<>();
            backends.put("database", database ? "up" : "down");
            backends.put("redis", redis ? "up" : "down");
            return backends;
        });
    }

    private Uni<ServiceProbe> probe(String name, String baseUrl) {
        String url = baseUrl.replaceAll("/+$", "") + "/q/health/ready";
        long start = System.nanoTime();
        return client.getAbs(url).timeout(probeTimeout.toMillis()).send()
                .ifNoItem().after(probeTimeout).failWith(() -> new IllegalStateException(
                        "no answer within " + probeTimeout.toMillis() + " ms"))
                .map(response -> response.statusCode() == 200
                        ? new ServiceProbe(name, true, millisSince(start), "ready")
                        : new ServiceProbe(name, false, millisSince(start), "readiness answered HTTP " + response.statusCode()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("%s is not ready: %s", name, failure.toString());
                    return new ServiceProbe(name, false, millisSince(start), "not reachable: " + reason(failure));
                });
    }

    static double millisSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
    }

    /** Our own timeout says what happened; other failures are named by kind, in words (their text names internal hosts). */
    static String reason(Throwable failure) {
        return failure instanceof IllegalStateException && failure.getMessage() != null
                ? failure.getMessage() : FailureWords.of(failure);
    }
}
