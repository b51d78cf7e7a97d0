package io.tuneops.metrics.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.service.ServiceReadiness;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** The guide's Kubernetes-style probes of the whole suite, readable without a key. */
@Path("/api/cloud/health")
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    private final ServiceReadiness readiness;

    public HealthResource(ServiceReadiness readiness) {
        this.readiness = readiness;
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
