package io.tuneops.audit.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.audit.repository.EntryRepository;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * The audit figures of the metrics export (simpletuner_audit_log_entries_total, _24h, by type),
 * for metrics-service. Never routed by the gateway; callers prove themselves with the internal
 * secret like the gateway does.
 */
@Path("/internal/audit/figures")
@Produces(MediaType.APPLICATION_JSON)
public class InternalFiguresResource {

    private final EntryRepository entries;

    public InternalFiguresResource(EntryRepository entries) {
        this.entries = entries;
    }

    public record Figures(long entries_total, long entries_24h, Map<String, Long> entries_by_type, long chain_head_seq) {
    }

    @GET
    public Uni<Response> figures(RoutingContext rc) {
        if (rc.get(GatewayIdentityHandler.IDENTITY) == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "Internal route"));
        }
        return entries.stats().flatMap(stats -> entries.head().map(head ->
                Response.ok(new Figures(stats.total(), stats.last24h(), stats.byType(), head.seq())).build()));
    }
}
