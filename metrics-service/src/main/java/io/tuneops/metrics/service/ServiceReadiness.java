package io.tuneops.metrics.service;

import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.config.HealthConfig;
import io.tuneops.metrics.config.UpstreamConfig;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
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

    /** Component name to {@code up} or {@code down}: database, redis, then each service. */
    public Uni<Map<String, String>> components() {
        List<Uni<Map.Entry<String, Boolean>>> probes = new ArrayList<>();
        services.forEach((name, url) -> probes.add(probe(name, url)));
        Uni<List<Map.Entry<String, Boolean>>> servicesReady = Uni.join().all(probes).andFailFast();
        return Uni.combine().all().unis(ownBackends(), servicesReady).with((backends, ready) -> {
            Map<String, String> components = new LinkedHashMap<>(backends);
            ready.forEach(r -> components.put(r.getKey(), r.getValue() ? "up" : "down"));
            return components;
        });
    }

    /** This service's own PostgreSQL and Redis, as SmallRye Health's readiness checks see them. */
    private Uni<Map<String, String>> ownBackends() {
        return health.getReadinessAsync().map(result -> {
            boolean database = true;
            boolean redis = true;
            for (Object o : result.getPayload().getJsonArray("checks")) {
                jakarta.json.JsonObject check = (jakarta.json.JsonObject) o;
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

    private Uni<Map.Entry<String, Boolean>> probe(String name, String baseUrl) {
        String url = baseUrl.replaceAll("/+$", "") + "/q/health/ready";
        return client.getAbs(url).timeout(probeTimeout.toMillis()).send()
                .ifNoItem().after(probeTimeout).fail()
                .map(response -> response.statusCode() == 200)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("%s is not ready: %s", name, failure.toString());
                    return false;
                })
                .map(ready -> Map.entry(name, ready));
    }
}
