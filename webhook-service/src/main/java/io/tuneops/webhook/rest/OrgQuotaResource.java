package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.webhook.rest.QuotaViews.QuotaCreate;
import io.tuneops.webhook.rest.QuotaViews.QuotaList;
import io.tuneops.webhook.rest.QuotaViews.QuotaView;
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

/**
 * An organisation's and a team's quotas, under the organisation routes the gateway owns otherwise.
 * The ids are the gateway's: this service does not hold organisations, so it takes the path's ids as
 * they are (a quota for an id no one has applies to no one).
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
    @Operation(summary = "List an organisation's quotas", description = "Its own, not its teams'.")
    @APIResponse(responseCode = "200", description = "The quotas", content = @Content(schema = @Schema(implementation = QuotaList.class)))
    public Uni<QuotaList> orgQuotas(@PathParam("org_id") String orgId) {
        return quotas.listScoped(orgId, null).map(QuotaList::of);
    }

    @POST
    @Path("/quotas")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an organisation quota", description = "Counts the jobs of everyone in the "
            + "organisation. Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = QuotaCreate.class)))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = QuotaView.class)))
    @APIResponse(responseCode = "400", description = "Invalid quota: every wrong field is named",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> createOrgQuota(@PathParam("org_id") String orgId, JsonObject body, @Context RoutingContext rc) {
        return QuotaChanges.create(quotas, body == null ? null : QuotaRequest.parseScoped(body, orgId, null), rc);
    }

    @GET
    @Path("/teams/{team_id}/quotas")
    @Operation(summary = "List a team's quotas")
    @APIResponse(responseCode = "200", description = "The quotas", content = @Content(schema = @Schema(implementation = QuotaList.class)))
    public Uni<QuotaList> teamQuotas(@PathParam("org_id") String orgId, @PathParam("team_id") String teamId) {
        return quotas.listScoped(orgId, teamId).map(QuotaList::of);
    }

    @POST
    @Path("/teams/{team_id}/quotas")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a team quota", description = "Counts the jobs charged to the team. Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = QuotaCreate.class)))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = QuotaView.class)))
    @APIResponse(responseCode = "400", description = "Invalid quota: every wrong field is named",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> createTeamQuota(@PathParam("org_id") String orgId, @PathParam("team_id") String teamId,
                                         JsonObject body, @Context RoutingContext rc) {
        return QuotaChanges.create(quotas, body == null ? null : QuotaRequest.parseScoped(body, orgId, teamId), rc);
    }
}
