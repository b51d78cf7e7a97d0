package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.rest.QuotaViews.QuotaCreated;
import io.tuneops.webhook.service.quota.QuotaRequest;
import io.tuneops.webhook.service.quota.QuotaService;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Response;

/** What the quota routes answer to a creation, whichever route scoped it. */
final class QuotaChanges {

    private QuotaChanges() {
    }

    static Uni<Response> create(QuotaService quotas, QuotaRequest.Parsed parsed, RoutingContext rc) {
        if (parsed == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON object describing the quota is required"));
        }
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().item(Response.status(400).entity(new ValidationError("Invalid quota", parsed.errors())).build());
        }
        VouchedCaller caller = VouchedCaller.of(rc);
        return quotas.create(parsed.request(), caller.actor(), caller.clientIp())
                .map(created -> Response.status(201).entity(QuotaCreated.of(created)).build());
    }

    static Response notFound(String id) {
        String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
        return JsonErrorMappers.json(404, "Quota '" + shown + "' not found");
    }
}
