package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.rest.NotificationViews.HistoryEntry;
import io.tuneops.webhook.rest.NotificationViews.HistoryPage;
import io.tuneops.webhook.service.notify.HistoryQuery;
import io.tuneops.webhook.service.notify.NotificationHistory;
import io.tuneops.webhook.service.notify.NotificationHistory.Retry;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The delivery history (admins), with the retry of a failed delivery. */
@Path("/api/cloud/notifications/history")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notifications")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class NotificationHistoryResource {

    private final NotificationHistory history;

    public NotificationHistoryResource(NotificationHistory history) {
        this.history = history;
    }

    @GET
    @Operation(summary = "Delivery history", description = "One entry per event and channel, newest first: attempts, "
            + "outcome, latency, last error.")
    @APIResponse(responseCode = "200", description = "A page of the history", content = @Content(schema = @Schema(implementation = HistoryPage.class)))
    @APIResponse(responseCode = "400", description = "A filter is invalid: every wrong one is named",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> list(@Parameter(description = "1 to 500, default 50") @QueryParam("limit") String limit,
                              @Parameter(description = "Entries to skip") @QueryParam("offset") String offset,
                              @QueryParam("channel_id") String channelId, @QueryParam("event_type") String eventType,
                              @Parameter(description = "pending, delivering, delivered or failed") @QueryParam("status") String status,
                              @QueryParam("job_id") String jobId,
                              @Parameter(description = "Created at or after (ISO-8601)") @QueryParam("since") String since,
                              @Parameter(description = "Created before (ISO-8601)") @QueryParam("until") String until) {
        HistoryQuery.Parsed parsed = HistoryQuery.parse(limit, offset, channelId, eventType, status, jobId, since, until);
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().item(NotificationResponses.invalid("Invalid history filter", parsed.errors()));
        }
        return history.page(parsed.filter()).map(page -> Response.ok(HistoryPage.of(page)).build());
    }

    @POST
    @Path("/{delivery_id}/retry")
    @Operation(summary = "Retry a failed delivery", description = "Back to pending with a fresh set of attempts, sent at once "
            + "(with the event's webhook-id, as every attempt). Audited.")
    @APIResponse(responseCode = "200", description = "The delivery, pending again", content = @Content(schema = @Schema(implementation = HistoryEntry.class)))
    @APIResponse(responseCode = "404", description = "No such delivery", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "409", description = "The delivery has not failed", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> retry(@PathParam("delivery_id") String id, @Context RoutingContext rc) {
        long deliveryId;
        try {
            deliveryId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(NotificationResponses.notFound("Delivery", id));
        }
        return history.retry(deliveryId, NotificationResponses.requester(rc)).map(retry -> {
            if (retry instanceof Retry.Done done) {
                return Response.ok(HistoryEntry.of(done.entry())).build();
            }
            if (retry instanceof Retry.NotFailed notFailed) {
                return JsonErrorMappers.json(409, "Delivery " + id + " is " + notFailed.status().wire() + ", not failed: "
                        + "only a failed delivery is retried");
            }
            return NotificationResponses.notFound("Delivery", id);
        });
    }
}
