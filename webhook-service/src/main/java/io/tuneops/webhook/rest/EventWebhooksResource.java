package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.webhook.rest.NotificationViews.EndpointChange;
import io.tuneops.webhook.rest.NotificationViews.EndpointList;
import io.tuneops.webhook.rest.NotificationViews.EndpointView;
import io.tuneops.webhook.rest.NotificationViews.EventTypeList;
import io.tuneops.webhook.rest.NotificationViews.HistoryEntries;
import io.tuneops.webhook.rest.NotificationViews.HistoryEntry;
import io.tuneops.webhook.rest.NotificationViews.TestResult;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.notify.Channel;
import io.tuneops.webhook.service.notify.ChannelForm;
import io.tuneops.webhook.service.notify.ChannelType;
import io.tuneops.webhook.service.notify.HistoryQuery;
import io.tuneops.webhook.service.notify.NotificationChannels;
import io.tuneops.webhook.service.notify.NotificationChannels.Change;
import io.tuneops.webhook.service.notify.NotificationHistory;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Event webhooks: the Standard Webhooks endpoints tuneops sends its events to, which are the
 * notification channels of type webhook under the original's shapes. They share /api/webhooks
 * with the provider receivers (WebhookResource, {@code POST /api/webhooks/{provider}}): Quarkus
 * REST merges the two classes' routes, and no route here is a POST to one segment below the root,
 * so every receiver resolves as before. Endpoint ids start with 'nch_', never a provider's name.
 * Admins only, but for the list of event types (CallerAccess, as the gateway).
 */
@Path("/api/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Event webhooks")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class EventWebhooksResource {

    private static final Set<String> FIELDS = Stream.concat(Stream.of("url", "event_types", "description", "is_enabled", "secret"),
            ChannelForm.READ_ONLY.stream()).collect(Collectors.toUnmodifiableSet());
    /** The channel fields the endpoint fields stand for, and back for the errors. */
    private static final Map<String, String> TO_CHANNEL = Map.of("url", "webhook_url", "secret", "webhook_secret");
    private static final Map<String, String> FROM_CHANNEL = Map.of("webhook_url", "url", "webhook_secret", "secret", "name", "url");

    private final NotificationChannels channels;
    private final NotificationHistory history;

    public EventWebhooksResource(NotificationChannels channels, NotificationHistory history) {
        this.channels = channels;
        this.history = history;
    }

    @GET
    @Operation(summary = "List event webhook endpoints")
    @APIResponse(responseCode = "200", description = "The endpoints", content = @Content(schema = @Schema(implementation = EndpointList.class)))
    public Uni<EndpointList> list() {
        return channels.list(Optional.of(ChannelType.WEBHOOK))
                .map(all -> new EndpointList(all.stream().map(c -> EndpointView.of(c, null)).toList()));
    }

    @GET
    @Path("/events")
    @Operation(summary = "Event types an endpoint can subscribe to")
    @APIResponse(responseCode = "200", description = "The event types", content = @Content(schema = @Schema(implementation = EventTypeList.class)))
    public EventTypeList events() {
        return EventTypeList.ALL;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an event webhook endpoint", description = "Deliveries are signed the Standard Webhooks way "
            + "(webhook-id = the event's id on every attempt, webhook-timestamp, webhook-signature). Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = EndpointChange.class)))
    @APIResponse(responseCode = "201", description = "Created; a generated signing secret is in 'secret', this once",
            content = @Content(schema = @Schema(implementation = EndpointView.class)))
    @APIResponse(responseCode = "400", description = "Invalid endpoint: every wrong field is named; nothing changed",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> create(JsonObject body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(NotificationResponses.bodyRequired());
        }
        List<FieldError> errors = new ArrayList<>(unknownFields(body));
        if (!(body.getValue("event_types") instanceof JsonArray types) || types.isEmpty()) {
            errors.add(new FieldError("event_types", "required, at least one event type, family ('job.*') or '*'"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(NotificationResponses.invalid("Invalid webhook endpoint", errors));
        }
        JsonObject channel = channelBody(body).put("channel_type", ChannelType.WEBHOOK.wire()).put("name", name(body));
        return channels.create(channel, NotificationResponses.requester(rc)).map(change -> answer(change, 201, null));
    }

    @GET
    @Path("/{webhook_id}")
    @Operation(summary = "Read an event webhook endpoint")
    @APIResponse(responseCode = "200", description = "The endpoint", content = @Content(schema = @Schema(implementation = EndpointView.class)))
    @APIResponse(responseCode = "404", description = "No such endpoint", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@PathParam("webhook_id") String id) {
        return endpoint(id).map(found -> found.map(c -> Response.ok(EndpointView.of(c, null)).build())
                .orElseGet(() -> NotificationResponses.notFound("Webhook endpoint", id)));
    }

    @PATCH
    @Path("/{webhook_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change an event webhook endpoint", description = "Absent fields keep their values; a new secret "
            + "replaces the old one at once. Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = EndpointChange.class)))
    @APIResponse(responseCode = "200", description = "The endpoint after the change",
            content = @Content(schema = @Schema(implementation = EndpointView.class)))
    @APIResponse(responseCode = "400", description = "Invalid change: every wrong field is named; nothing changed",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "404", description = "No such endpoint", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> patch(@PathParam("webhook_id") String id, JsonObject body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(NotificationResponses.bodyRequired());
        }
        List<FieldError> unknown = unknownFields(body);
        if (!unknown.isEmpty()) {
            return Uni.createFrom().item(NotificationResponses.invalid("Invalid webhook endpoint", unknown));
        }
        return endpoint(id).chain(found -> found.isEmpty() ? Uni.createFrom().item(NotificationResponses.notFound("Webhook endpoint", id))
                : channels.update(id, channelBody(body), NotificationResponses.requester(rc)).map(change -> answer(change, 200, id)));
    }

    @PUT
    @Path("/{webhook_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change an event webhook endpoint (alias)")  // described by RouteDocumentation
    public Uni<Response> put(@PathParam("webhook_id") String id, JsonObject body, @Context RoutingContext rc) {
        return patch(id, body, rc);
    }

    @DELETE
    @Path("/{webhook_id}")
    @Operation(summary = "Delete an event webhook endpoint", description = "Its deliveries go with it. Audited.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such endpoint", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> delete(@PathParam("webhook_id") String id, @Context RoutingContext rc) {
        return endpoint(id).chain(found -> found.isEmpty() ? Uni.createFrom().item(NotificationResponses.notFound("Webhook endpoint", id))
                : channels.delete(id, NotificationResponses.requester(rc)).map(deleted -> deleted.isPresent()
                        ? Response.noContent().build() : NotificationResponses.notFound("Webhook endpoint", id)));
    }

    @POST
    @Path("/{webhook_id}/test")
    @Operation(summary = "Test an event webhook endpoint", description = "A real, signed delivery of a 'test' event; the answer "
            + "reports what the endpoint said (always 200, success false when it failed).")
    @APIResponse(responseCode = "200", description = "What the endpoint answered",
            content = @Content(schema = @Schema(implementation = TestResult.class)))
    @APIResponse(responseCode = "404", description = "No such endpoint", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> test(@PathParam("webhook_id") String id) {
        return endpoint(id).chain(found -> found.isEmpty() ? Uni.createFrom().item(NotificationResponses.notFound("Webhook endpoint", id))
                : NotificationChannelsResource.test(channels, id, null, "Webhook endpoint"));
    }

    @GET
    @Path("/{webhook_id}/history")
    @Operation(summary = "An event webhook endpoint's deliveries", description = "Newest first.")
    @APIResponse(responseCode = "200", description = "The deliveries", content = @Content(schema = @Schema(implementation = HistoryEntries.class)))
    @APIResponse(responseCode = "400", description = "limit or offset invalid", content = @Content(schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "404", description = "No such endpoint", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> history(@PathParam("webhook_id") String id,
                                 @Parameter(description = "1 to 500, default 50") @QueryParam("limit") String limit,
                                 @Parameter(description = "Entries to skip") @QueryParam("offset") String offset) {
        HistoryQuery.Parsed parsed = HistoryQuery.parse(limit, offset, id, null, null, null, null, null);
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().item(NotificationResponses.invalid("Invalid history filter", parsed.errors()));
        }
        return endpoint(id).chain(found -> found.isEmpty() ? Uni.createFrom().item(NotificationResponses.notFound("Webhook endpoint", id))
                : history.page(parsed.filter()).map(page -> Response.ok(new HistoryEntries(page.entries().stream()
                        .map(HistoryEntry::of).toList())).build()));
    }

    /** The channel behind an endpoint id: only webhook channels are endpoints. */
    private Uni<Optional<Channel>> endpoint(String id) {
        return channels.find(id).map(found -> found.filter(c -> c.type() == ChannelType.WEBHOOK));
    }

    private static List<FieldError> unknownFields(JsonObject body) {
        return body.fieldNames().stream().filter(f -> !FIELDS.contains(f))
                .map(f -> new FieldError(f, "unknown field; accepted: " + String.join(", ", new TreeSet<>(FIELDS)))).toList();
    }

    private static JsonObject channelBody(JsonObject body) {
        JsonObject channel = new JsonObject();
        body.forEach(field -> {
            if (!ChannelForm.READ_ONLY.contains(field.getKey())) {
                channel.put(TO_CHANNEL.getOrDefault(field.getKey(), field.getKey()), field.getValue());
            }
        });
        return channel;
    }

    /** A channel's name for an endpoint: its description, else its URL's host. */
    private static String name(JsonObject body) {
        Object description = body.getValue("description");
        if (description instanceof String s && !s.isBlank()) {
            return s.length() > 200 ? s.substring(0, 200) : s;
        }
        try {
            String host = new URI(String.valueOf(body.getValue("url"))).getHost();
            return host == null ? "webhook endpoint" : "webhook " + host;
        } catch (Exception e) {
            return "webhook endpoint";
        }
    }

    private static Response answer(Change change, int status, String id) {
        if (change instanceof Change.Done done) {
            return Response.status(status).entity(EndpointView.of(done.channel(), done.generatedSecret().orElse(null))).build();
        }
        if (change instanceof Change.Invalid invalid) {
            return NotificationResponses.invalid("Invalid webhook endpoint", invalid.errors().stream()
                    .map(e -> new FieldError(FROM_CHANNEL.getOrDefault(e.field(), e.field()), e.message())).toList());
        }
        return NotificationResponses.notFound("Webhook endpoint", id);
    }
}
