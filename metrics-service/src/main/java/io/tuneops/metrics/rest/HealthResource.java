package io.tuneops.metrics.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.service.HealthChecks;
import io.tuneops.metrics.service.ServiceReadiness;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static jakarta.ws.rs.core.MediaType.APPLICATION_JSON;

/**
 * The guide's Kubernetes-style probes of the whole suite, readable without a key (unless the
 * operator sets a monitoring token, which the gateway checks).
 */
@Path("/api/cloud/health")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Health")
public class HealthResource {

    private static final String OPEN = " Readable without an API key unless the operator sets a monitoring bearer token, "
            + "which the gateway then requires.";

    private final ServiceReadiness readiness;
    private final HealthChecks checks;
    private final String version;

    public HealthResource(ServiceReadiness readiness, HealthChecks checks,
                          @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.readiness = readiness;
        this.checks = checks;
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
     * asks webhook-service to call each provider's API (a provider that fails degrades the result);
     * {@code include_replicate=true}, what the original's CLI ({@code cloud status --replicate})
     * sends, adds the Replicate check as the original's {@code replicate_api} component.
     */
    @GET
    @Operation(summary = "Full health check of the suite",
            description = "PostgreSQL and Redis (with latency), secrets and every service; healthy, degraded (part of "
                    + "the suite works) or unhealthy (PostgreSQL or Redis is down). Each component is healthy, degraded "
                    + "or unhealthy." + OPEN)
    @APIResponse(responseCode = "200", description = "Healthy or degraded",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = Health.class)))
    @APIResponse(responseCode = "400", description = "include_providers or include_replicate is not a boolean",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Unhealthy: PostgreSQL or Redis does not answer",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = Health.class)))
    public Uni<Response> health(@Parameter(description = "Also call each provider's API through webhook-service "
                                        + "(one provider:<name> component each): true or false (also 1/0, yes/no, on/off)",
                                        schema = @Schema(type = SchemaType.BOOLEAN))
                                @QueryParam("include_providers") String includeProviders,
                                @Parameter(description = "The original implementation's parameter: also check "
                                        + "Replicate's API, reported as the replicate_api component",
                                        schema = @Schema(type = SchemaType.BOOLEAN))
                                @QueryParam("include_replicate") String includeReplicate,
                                @Context HttpServerRequest request) {
        Optional<Boolean> providers = QueryFlags.parse(given(request, "include_providers", includeProviders));
        Optional<Boolean> replicate = QueryFlags.parse(given(request, "include_replicate", includeReplicate));
        if (providers.isEmpty() || replicate.isEmpty()) {
            String name = providers.isEmpty() ? "include_providers" : "include_replicate";
            return Uni.createFrom().item(JsonErrorMappers.json(400, name + " must be true or false"));
        }
        return checks.check(new HealthChecks.ProviderChecks(providers.get(), replicate.get())).map(report -> {
            List<ComponentView> components = report.components().stream()
                    .map(c -> new ComponentView(c.name(), c.status(), c.latencyMs(), c.message())).toList();
            Health body = new Health(report.status(), version, Math.round(report.uptimeSeconds() * 10.0) / 10.0,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), components);
            return Response.status(HealthChecks.UNHEALTHY.equals(report.status()) ? 503 : 200).entity(body).build();
        });
    }

    /**
     * The parameter's value, {@code ""} when it is given empty ({@code ?include_providers=}):
     * Quarkus REST binds an empty value as null, which would read as "not asked" instead of refused.
     */
    private static String given(HttpServerRequest request, String name, String bound) {
        if (bound != null || !request.params().contains(name)) {
            return bound;
        }
        String raw = request.getParam(name);
        return raw == null ? "" : raw;
    }

    public record Liveness(String status) {
    }

    /** {@code detail} only when not ready: the original's 503 body was {"detail": "Not ready: ..."}, which its CLI prints. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Readiness(String status, String detail, Map<String, String> components) {
    }

    /** The process answers: nothing more is checked, so a slow dependency never restarts pods. */
    @GET
    @Path("/live")
    @Operation(summary = "Liveness probe", description = "Always {\"status\": \"ok\"} while the process answers." + OPEN)
    @APIResponse(responseCode = "200", description = "The process answers",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = Liveness.class)))
    public Liveness live() {
        return new Liveness("ok");
    }

    /** 200 {"status":"ready"} when PostgreSQL, Redis and every service are ready, else 503. */
    @GET
    @Path("/ready")
    @Operation(summary = "Readiness probe of the suite",
            description = "Ready when PostgreSQL, Redis and every service are; each component is up or down." + OPEN)
    @APIResponse(responseCode = "200", description = "Everything is ready",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = Readiness.class)))
    @APIResponse(responseCode = "503", description = "A component is not ready",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = Readiness.class)))
    public Uni<Response> ready() {
        return readiness.components().map(components -> {
            List<String> down = components.entrySet().stream().filter(c -> !"up".equals(c.getValue()))
                    .map(Map.Entry::getKey).toList();
            return Response.status(down.isEmpty() ? 200 : 503)
                    .entity(down.isEmpty() ? new Readiness("ready", null, components)
                            : new Readiness("not_ready", "Not ready: " + String.join(", ", down) + " down", components))
                    .build();
        });
    }
}
