package io.tuneops.audit.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.audit.service.AuditQueries;
import io.tuneops.support.SharedNames;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The audit figures of the metrics export (simpletuner_audit_log_entries_total, _24h, by type),
 * for metrics-service, as service-support's AuditFigures. Never routed by the gateway; callers
 * prove themselves with the internal secret like the gateway does.
 */
@Path(SharedNames.INTERNAL_AUDIT_FIGURES)
@Produces(MediaType.APPLICATION_JSON)
public class InternalFiguresResource {

    private final AuditQueries trail;

    public InternalFiguresResource(AuditQueries trail) {
        this.trail = trail;
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> figures(RoutingContext rc) {
        if (rc.get(GatewayIdentityHandler.IDENTITY) == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "Internal route"));
        }
        return trail.figures().map(figures -> Response.ok(figures).build());
    }
}
