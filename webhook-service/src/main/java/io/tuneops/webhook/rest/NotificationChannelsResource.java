package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.webhook.rest.NotificationViews.ChannelChange;
import io.tuneops.webhook.rest.NotificationViews.ChannelList;
import io.tuneops.webhook.rest.NotificationViews.ChannelView;
import io.tuneops.webhook.rest.NotificationViews.TestRequest;
import io.tuneops.webhook.rest.NotificationViews.TestResult;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.notify.ChannelForm;
import io.tuneops.webhook.service.notify.NotificationChannels;
import io.tuneops.webhook.service.notify.NotificationChannels.Change;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Notification channels: read by viewers; created, changed, deleted and tested by admins (CallerAccess, as the gateway). */
@Path("/api/cloud/notifications/channels")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notifications")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class NotificationChannelsResource {

    private final NotificationChannels channels;

    public NotificationChannelsResource(NotificationChannels channels) {
        this.channels = channels;
    }

    @GET
    @Operation(summary = "List notification channels", description = "Secrets show only as secret_configured.")
    @APIResponse(responseCode = "200", description = "The channels", content = @Content(schema = @Schema(implementation = ChannelList.class)))
    public Uni<ChannelList> list() {
        return channels.list(Optional.empty()).map(all -> new ChannelList(all.stream().map(ChannelView::of).toList()));
    }

    @GET
    @Path("/{channel_id}")
    @Operation(summary = "Read a notification channel")
    @APIResponse(responseCode = "200", description = "The channel", content = @Content(schema = @Schema(implementation = ChannelView.class)))
    @APIResponse(responseCode = "404", description = "No such channel", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@PathParam("channel_id") String id) {
        return channels.find(id).map(found -> found.map(c -> Response.ok(ChannelView.of(c)).build())
                .orElseGet(() -> NotificationResponses.notFound("Channel", id)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a notification channel", description = "E-mail over SMTP (presets, STARTTLS, TLS, "
            + "authentication), a Slack-compatible incoming webhook, or a Standard Webhooks endpoint. Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ChannelChange.class)))
    @APIResponse(responseCode = "201", description = "Created; a webhook channel's generated secret is in 'secret', this once",
            content = @Content(schema = @Schema(implementation = ChannelView.class)))
    @APIResponse(responseCode = "400", description = "Invalid channel: every wrong field is named; nothing changed",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> create(JsonObject body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(NotificationResponses.bodyRequired());
        }
        return channels.create(body, NotificationResponses.requester(rc)).map(change -> answer(change, 201, null));
    }

    @PATCH
    @Path("/{channel_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a notification channel", description = "Absent fields keep their values. Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ChannelChange.class)))
    @APIResponse(responseCode = "200", description = "The channel after the change",
            content = @Content(schema = @Schema(implementation = ChannelView.class)))
    @APIResponse(responseCode = "400", description = "Invalid change: every wrong field is named; nothing changed",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "404", description = "No such channel", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> patch(@PathParam("channel_id") String id, JsonObject body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(NotificationResponses.bodyRequired());
        }
        return channels.update(id, body, NotificationResponses.requester(rc)).map(change -> answer(change, 200, id));
    }

    @PUT
    @Path("/{channel_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a notification channel (alias)")  // described by RouteDocumentation
    public Uni<Response> put(@PathParam("channel_id") String id, JsonObject body, @Context RoutingContext rc) {
        return patch(id, body, rc);
    }

    @DELETE
    @Path("/{channel_id}")
    @Operation(summary = "Delete a notification channel", description = "Its preferences and deliveries go with it. Audited.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such channel", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> delete(@PathParam("channel_id") String id, @Context RoutingContext rc) {
        return channels.delete(id, NotificationResponses.requester(rc)).map(deleted -> deleted.isPresent()
                ? Response.noContent().build() : NotificationResponses.notFound("Channel", id));
    }

    @POST
    @Path("/{channel_id}/test")
    @Operation(summary = "Test a notification channel", description = "A real send of a test message through the channel as "
            + "stored; the answer reports what the far end said (always 200, success false when it failed). An e-mail "
            + "channel's test goes to the recipients given, else to its own sender address.")
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = TestRequest.class)))
    @APIResponse(responseCode = "200", description = "What the far end answered",
            content = @Content(schema = @Schema(implementation = TestResult.class)))
    @APIResponse(responseCode = "400", description = "recipients not a list of e-mail addresses",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "404", description = "No such channel", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> test(@PathParam("channel_id") String id, JsonObject body) {
        return test(channels, id, body, "Channel");
    }

    /** The test action of a channel, shared with the event-webhook routes. */
    static Uni<Response> test(NotificationChannels channels, String id, JsonObject body, String what) {
        List<String> recipients = new ArrayList<>();
        Object given = body == null ? null : body.getValue("recipients");
        if (given != null) {
            if (!(given instanceof JsonArray list) || list.size() > 20
                    || list.stream().anyMatch(r -> !(r instanceof String s) || !ChannelForm.isEmail(s))) {
                return Uni.createFrom().item(NotificationResponses.invalid("Invalid test request",
                        List.of(new FieldError("recipients", "must be a list of at most 20 e-mail addresses"))));
            }
            list.forEach(r -> recipients.add((String) r));
        }
        return channels.test(id, recipients).map(report -> report
                .map(r -> Response.ok(TestResult.of(r.channelType(), r.result())).build())
                .orElseGet(() -> NotificationResponses.notFound(what, id)));
    }

    private static Response answer(Change change, int status, String id) {
        if (change instanceof Change.Done done) {
            return Response.status(status).entity(ChannelView.of(done.channel(), done.generatedSecret().orElse(null))).build();
        }
        if (change instanceof Change.Invalid invalid) {
            return NotificationResponses.invalid("Invalid channel", invalid.errors());
        }
        return NotificationResponses.notFound("Channel", id);
    }
}
