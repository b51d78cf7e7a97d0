package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.webhook.rest.NotificationViews.EventTypeList;
import io.tuneops.webhook.rest.NotificationViews.PresetList;
import io.tuneops.webhook.rest.NotificationViews.PresetView;
import io.tuneops.webhook.rest.NotificationViews.Skipped;
import io.tuneops.webhook.rest.NotificationViews.StatusView;
import io.tuneops.webhook.service.notify.EmailPreset;
import io.tuneops.webhook.service.notify.NotificationSetup;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What notifications know (event types, e-mail presets), how they stand, and dismissing the setup prompt. */
@Path("/api/cloud/notifications")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notifications")
public class NotificationMetaResource {

    private final NotificationSetup setup;

    public NotificationMetaResource(NotificationSetup setup) {
        this.setup = setup;
    }

    @GET
    @Path("/events")
    @Operation(summary = "Notification event types", description = "Every event a preference or a webhook endpoint can ask for, "
            + "with its category and default severity (info < warning < error < critical).")
    @APIResponse(responseCode = "200", description = "The event types", content = @Content(schema = @Schema(implementation = EventTypeList.class)))
    public EventTypeList events() {
        return EventTypeList.ALL;
    }

    @GET
    @Path("/presets")
    @Operation(summary = "E-mail provider presets", description = "SMTP host, port and security of well-known providers.")
    @APIResponse(responseCode = "200", description = "The presets", content = @Content(schema = @Schema(implementation = PresetList.class)))
    public PresetList presets() {
        return PresetList.ALL;
    }

    @GET
    @Path("/presets/{preset_id}")
    @Operation(summary = "An e-mail provider preset")
    @APIResponse(responseCode = "200", description = "The preset", content = @Content(schema = @Schema(implementation = PresetView.class)))
    @APIResponse(responseCode = "404", description = "No such preset", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Response preset(@PathParam("preset_id") String id) {
        return EmailPreset.fromId(id).map(p -> Response.ok(PresetView.of(p)).build())
                .orElseGet(() -> NotificationResponses.notFound("Preset", id));
    }

    @GET
    @Path("/status")
    @Operation(summary = "Notification status", description = "Whether notifications are set up (a channel exists) or the "
            + "prompt was dismissed, the channels and preferences, and how delivery goes.")
    @APIResponse(responseCode = "200", description = "The status", content = @Content(schema = @Schema(implementation = StatusView.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL unavailable; retry (Retry-After)",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<StatusView> status() {
        return setup.status().map(StatusView::of);
    }

    @POST
    @Path("/skip")
    @Operation(summary = "Dismiss the notification setup prompt", description = "For the whole installation. Audited.")
    @APIResponse(responseCode = "200", description = "Dismissed", content = @Content(schema = @Schema(implementation = Skipped.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Skipped> skip(@Context RoutingContext rc) {
        return setup.skip(NotificationResponses.requester(rc)).replaceWith(new Skipped(true));
    }
}
