package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.JobFiguresService;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The figures metrics-service exports for the jobs, circuit_breakers, provider and approvals categories.
 * Internal: never routed by the gateway, and only answered to callers holding the internal secret.
 */
@Path(SharedNames.INTERNAL_JOBS_FIGURES)
public class InternalFiguresResource {

    private final JobFiguresService figures;

    public InternalFiguresResource(JobFiguresService figures) {
        this.figures = figures;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<Response> figures(@Context RoutingContext rc) {
        if (rc.get(GatewayIdentityHandler.IDENTITY) == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "Internal route"));
        }
        return figures.figures().map(f -> Response.ok(f).build());
    }
}
