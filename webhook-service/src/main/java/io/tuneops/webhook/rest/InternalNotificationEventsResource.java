package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.support.notify.NotificationEventPayload;
import io.tuneops.webhook.service.notify.NotificationIngest;
import io.tuneops.webhook.service.notify.NotificationOutbox;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Notification events from other services' outboxes (storage-service, audit-service). Internal:
 * never routed by the gateway, and only answered to callers holding the internal secret. 202
 * whether the event is new or was stored before: the relay deletes its row either way.
 */
@Path(SharedNames.INTERNAL_NOTIFICATION_EVENTS)
public class InternalNotificationEventsResource {

    /** The answer: the event's id and whether this call stored it. */
    public record Accepted(String event_id, boolean created) {
    }

    private final NotificationIngest ingest;

    public InternalNotificationEventsResource(NotificationIngest ingest) {
        this.ingest = ingest;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<Response> accept(NotificationEventPayload event, @Context RoutingContext rc) {
        if (rc.get(GatewayIdentityHandler.IDENTITY) == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "Internal route"));
        }
        String problem = NotificationOutbox.problem(event);
        if (problem != null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, problem));
        }
        return ingest.accept(event).map(created -> Response.accepted(new Accepted(event.eventId(), created)).build());
    }
}
