package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.ProviderHealthChecks;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Live provider API checks, asked for by metrics-service. Internal: only callers holding the
 * internal secret.
 */
@Path(SharedNames.INTERNAL_PROVIDER_HEALTH)
public class InternalProviderHealthResource {

    private final ProviderHealthChecks checks;

    public InternalProviderHealthResource(ProviderHealthChecks checks) {
        this.checks = checks;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<Response> check(@Context RoutingContext rc) {
        if (rc.get(GatewayIdentityHandler.IDENTITY) == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "Internal route"));
        }
        return checks.checkAll().map(list -> Response.ok(list).build());
    }
}
