package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.repository.NotificationPreferenceRepository;
import io.tuneops.webhook.rest.NotificationViews.PreferenceCreate;
import io.tuneops.webhook.rest.NotificationViews.PreferenceList;
import io.tuneops.webhook.rest.NotificationViews.PreferenceView;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.notify.NotificationPreferences;
import io.tuneops.webhook.service.notify.NotificationPreferences.Outcome;
import io.tuneops.webhook.service.notify.PreferenceScope;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * Notification preferences. Viewers may call every route (CallerAccess, as the gateway); a
 * non-admin sees, creates and deletes only scope "user" preferences of their own.
 */
@Path("/api/cloud/notifications/preferences")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notifications")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class NotificationPreferencesResource {

    private final NotificationPreferences preferences;

    public NotificationPreferencesResource(NotificationPreferences preferences) {
        this.preferences = preferences;
    }

    @GET
    @Operation(summary = "List notification preferences", description = "An admin sees every preference; anyone else their own.")
    @APIResponse(responseCode = "200", description = "The preferences", content = @Content(schema = @Schema(implementation = PreferenceList.class)))
    @APIResponse(responseCode = "400", description = "scope is not everyone, org, team or user",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> list(@Parameter(description = "Only this channel's") @QueryParam("channel_id") String channelId,
                              @Parameter(description = "everyone, org, team or user") @QueryParam("scope") String scope,
                              @Parameter(description = "Only this organisation's, team's or user's") @QueryParam("scope_id") String scopeId,
                              @Context RoutingContext rc) {
        PreferenceScope s = null;
        if (scope != null && !scope.isBlank()) {
            s = PreferenceScope.fromWire(scope).orElse(null);
            if (s == null) {
                return Uni.createFrom().item(NotificationResponses.invalid("Invalid filter",
                        List.of(new FieldError("scope", "one of everyone, org, team, user"))));
            }
        }
        NotificationPreferenceRepository.Filter filter = new NotificationPreferenceRepository.Filter(blankToNull(channelId), s,
                blankToNull(scopeId));
        return preferences.list(filter, NotificationResponses.requester(rc))
                .map(all -> Response.ok(new PreferenceList(all.stream().map(PreferenceView::of).toList())).build());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a notification preference", description = "Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = PreferenceCreate.class)))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = PreferenceView.class)))
    @APIResponse(responseCode = "400", description = "Invalid preference: every wrong field is named; nothing changed",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "403", description = "A non-admin naming a scope other than their own user",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> create(JsonObject body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(NotificationResponses.bodyRequired());
        }
        return preferences.create(body, NotificationResponses.requester(rc)).map(outcome -> answer(outcome, 201, null));
    }

    @DELETE
    @Path("/{preference_id}")
    @Operation(summary = "Delete a notification preference", description = "A non-admin only their own. Audited.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "Not the caller's own, and the caller is no admin",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such preference", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> delete(@PathParam("preference_id") String id, @Context RoutingContext rc) {
        return preferences.delete(id, NotificationResponses.requester(rc)).map(outcome -> outcome instanceof Outcome.Done
                ? Response.noContent().build() : answer(outcome, 204, id));
    }

    private static Response answer(Outcome outcome, int status, String id) {
        if (outcome instanceof Outcome.Done done) {
            return Response.status(status).entity(PreferenceView.of(done.preference())).build();
        }
        if (outcome instanceof Outcome.Invalid invalid) {
            return NotificationResponses.invalid("Invalid preference", invalid.errors());
        }
        if (outcome instanceof Outcome.Forbidden forbidden) {
            return JsonErrorMappers.json(403, forbidden.detail());
        }
        return NotificationResponses.notFound("Preference", id);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
