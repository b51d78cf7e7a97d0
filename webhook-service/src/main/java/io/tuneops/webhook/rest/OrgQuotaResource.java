package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.webhook.rest.QuotaViews.QuotaCreate;
import io.tuneops.webhook.rest.QuotaViews.QuotaList;
import io.tuneops.webhook.rest.QuotaViews.QuotaCreated;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.quota.QuotaRequest;
import io.tuneops.webhook.service.quota.QuotaService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An organisation's and a team's quotas, under the organisation routes the gateway owns otherwise.
 * The gateway's own routes take an id or a slug for {@code {org}} and {@code {team}}, but it
 * forwards these paths as they are and vouches only for the caller's own organisation and teams
 * (X-Tuneops-Org, X-Tuneops-Teams), by id. This service cannot read the gateway's people, so it
 * cannot turn a slug into an id; a job carries ids, so a quota stored under a slug would apply to
 * no one. The path must therefore name the ids ({@code org_...}, {@code team_...}): anything else
 * is refused with 400. An id no one has is taken as it is (it applies to no one).
 */
@Path("/api/orgs/{org_id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Quotas")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class OrgQuotaResource {

    private final QuotaService quotas;

    public OrgQuotaResource(QuotaService quotas) {
        this.quotas = quotas;
    }

    @GET
    @Path("/quotas")
    @Operation(summary = "List an organisation's quotas", description = "Its own, not its teams'. The path takes the "
            + "organisation's id (org_...), not its slug.")
    @APIResponse(responseCode = "200", description = "The quotas", content = @Content(schema = @Schema(implementation = QuotaList.class)))
    @APIResponse(responseCode = "400", description = "The path names the organisation by something other than its id",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> orgQuotas(@PathParam("org_id") String orgId) {
        return notIds(orgId, null).orElseGet(() -> quotas.listScoped(orgId, null).map(found -> Response.ok(QuotaList.of(found)).build()));
    }

    @POST
    @Path("/quotas")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an organisation quota", description = "Counts the jobs of everyone in the "
            + "organisation. The path takes the organisation's id (org_...), not its slug. Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = QuotaCreate.class)))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = QuotaCreated.class)))
    @APIResponse(responseCode = "400", description = "Invalid quota: every wrong field is named, the path's ids too",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> createOrgQuota(@PathParam("org_id") String orgId, JsonObject body, @Context RoutingContext rc) {
        return notIds(orgId, null).orElseGet(() ->
                QuotaChanges.create(quotas, body == null ? null : QuotaRequest.parseScoped(body, orgId, null), rc));
    }

    @GET
    @Path("/teams/{team_id}/quotas")
    @Operation(summary = "List a team's quotas", description = "The path takes the ids (org_..., team_...), not slugs.")
    @APIResponse(responseCode = "200", description = "The quotas", content = @Content(schema = @Schema(implementation = QuotaList.class)))
    @APIResponse(responseCode = "400", description = "The path names the organisation or team by something other than its id",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> teamQuotas(@PathParam("org_id") String orgId, @PathParam("team_id") String teamId) {
        return notIds(orgId, teamId).orElseGet(() ->
                quotas.listScoped(orgId, teamId).map(found -> Response.ok(QuotaList.of(found)).build()));
    }

    @POST
    @Path("/teams/{team_id}/quotas")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a team quota", description = "Counts the jobs charged to the team. The path takes the "
            + "ids (org_..., team_...), not slugs. Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = QuotaCreate.class)))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = QuotaCreated.class)))
    @APIResponse(responseCode = "400", description = "Invalid quota: every wrong field is named, the path's ids too",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> createTeamQuota(@PathParam("org_id") String orgId, @PathParam("team_id") String teamId,
                                         JsonObject body, @Context RoutingContext rc) {
        return notIds(orgId, teamId).orElseGet(() ->
                QuotaChanges.create(quotas, body == null ? null : QuotaRequest.parseScoped(body, orgId, teamId), rc));
    }

    /** The 400 for a path that names the organisation or the team ({@code teamId} non-null) other than by id; empty when it does. */
    private static Optional<Uni<Response>> notIds(String orgId, String teamId) {
        List<FieldError> errors = new ArrayList<>();
        String org = QuotaRequest.idProblem("org_id", orgId);
        if (org != null) {
            errors.add(new FieldError("org_id", org));
        }
        String team = teamId == null ? null : QuotaRequest.idProblem("team_id", teamId);
        if (team != null) {
            errors.add(new FieldError("team_id", team));
        }
        return errors.isEmpty() ? Optional.empty() : Optional.of(Uni.createFrom().item(Response.status(400)
                .entity(new ValidationError("The path must name the organisation and team by their ids", errors)).build()));
    }
}
