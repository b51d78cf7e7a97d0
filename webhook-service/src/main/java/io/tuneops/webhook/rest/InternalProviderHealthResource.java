package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.service.ProviderConfigService;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * Live provider API checks for the guide's {@code /api/cloud/health?include_providers=true}
 * (metrics-service asks here). Internal: only callers holding the internal secret.
 */
@Path("/internal/providers/health")
public class InternalProviderHealthResource {

    public record ProviderHealth(String name, String status, Double latency_ms, String message) {
    }

    public record ProviderHealthList(List<ProviderHealth> providers) {
    }

    private final ProviderConfigService providers;
    private final ReplicateClient replicate;

    public InternalProviderHealthResource(ProviderConfigService providers, ReplicateClient replicate) {
        this.providers = providers;
        this.replicate = replicate;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> check(RoutingContext rc) {
        if (rc.get(GatewayIdentityHandler.IDENTITY) == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "Internal route"));
        }
        return Uni.combine().all().unis(replicate(), Uni.createFrom().item(new ProviderHealth("generic", "healthy", null,
                        "jobs report themselves; nothing to call")))
                .with(list -> Response.ok(new ProviderHealthList(list.stream().map(ProviderHealth.class::cast).toList())).build());
    }

    /** Replicate's account endpoint: proves token, network path (proxy, CA) and that Replicate answers. */
    private Uni<ProviderHealth> replicate() {
        return providers.settings("replicate").chain(settings -> {
            if (settings.apiToken().isEmpty()) {
                return Uni.createFrom().item(new ProviderHealth("replicate", "unconfigured", null, "no API token configured"));
            }
            long start = System.nanoTime();
            return replicate.account(settings)
                    .map(account -> new ProviderHealth("replicate", "healthy", elapsed(start),
                            "account " + account.username() + " reachable"))
                    .onFailure().recoverWithItem(e -> new ProviderHealth("replicate", "unhealthy", elapsed(start), e.getMessage()));
        });
    }

    private static double elapsed(long start) {
        return Math.round((System.nanoTime() - start) / 100_000.0) / 10.0;
    }
}
