package io.tuneops.metrics.rest;

import io.smallrye.mutiny.Uni;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.tuneops.metrics.client.OwnerFiguresClient;
import io.tuneops.metrics.service.HealthChecks;
import io.tuneops.metrics.service.ServiceReadiness;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The guide's Kubernetes-style probes of the whole suite, readable without a key. */
@Path("/api/cloud/health")
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    private final ServiceReadiness readiness;
    private final HealthChecks checks;
    private final OwnerFiguresClient owners;
    private final String version;

    public HealthResource(ServiceReadiness readiness, HealthChecks checks, OwnerFiguresClient owners,
                          @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.readiness = readiness;
        this.checks = checks;
        this.owners = owners;
        this.version = version;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ComponentView(String name, String status, Double latency_ms, String message) {
    }

    public record Health(String status, String version, double uptime_seconds, String timestamp,
                         List<ComponentView> components) {
    }

    /**
     * The guide's full check: PostgreSQL and Redis (with latency), secrets, and every service.
     * 200 when healthy or degraded, 503 when unhealthy. With {@code include_providers=true} it also
     * asks webhook-service to call each provider's API (a provider that fails degrades the result).
     */
    @GET
    public Uni<Response> health(@QueryParam("include_providers") @DefaultValue("false") boolean includeProviders) {
        Uni<List<ComponentView>> providerChecks = includeProviders ? owners.providerHealth()
                .map(list -> list.providers() == null ? List.<ComponentView>of() : list.providers().stream()
                        .map(p -> new ComponentView("provider:" + p.name(), p.status(), p.latency_ms(), p.message())).toList())
                .onFailure().recoverWithItem(e -> List.of(new ComponentView("providers", "unknown", null,
                        "provider checks unavailable: " + e.getMessage())))
                : Uni.createFrom().item(List.of());
        return Uni.combine().all().unis(checks.check(), providerChecks).asTuple().map(t -> {
            HealthChecks.Report report = t.getItem1();
            List<ComponentView> components = new ArrayList<>();
            report.components().forEach(c -> components.add(new ComponentView(c.name(), c.status(), c.latencyMs(),
                    c.message())));
            components.addAll(t.getItem2());
            String status = report.status();
            if ("healthy".equals(status) && t.getItem2().stream().anyMatch(c -> "unhealthy".equals(c.status()))) {
                status = "degraded";
            }
            Health body = new Health(status, version, Math.round(report.uptimeSeconds() * 10.0) / 10.0,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), components);
            return Response.status(HealthChecks.UNHEALTHY.equals(status) ? 503 : 200).entity(body).build();
        });
    }

    public record Liveness(String status) {
    }

    public record Readiness(String status, Map<String, String> components) {
    }

    /** The process answers: nothing more is checked, so a slow dependency never restarts pods. */
    @GET
    @Path("/live")
    public Liveness live() {
        return new Liveness("ok");
    }

    /** 200 {"status":"ready"} when PostgreSQL, Redis and every service are ready, else 503. */
    @GET
    @Path("/ready")
    public Uni<Response> ready() {
        return readiness.components().map(components -> {
            boolean ready = components.values().stream().allMatch("up"::equals);
            return Response.status(ready ? 200 : 503)
                    .entity(new Readiness(ready ? "ready" : "not_ready", components))
                    .build();
        });
    }
}
