package io.tuneops.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.repository.OrgRecord;
import io.tuneops.gateway.repository.TeamRecord;
import io.tuneops.gateway.rest.ApiKeyResource.FieldError;
import io.tuneops.gateway.rest.ApiKeyResource.ValidationError;
import io.tuneops.gateway.rest.UserResource.UserView;
import io.tuneops.gateway.service.OrgService;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Organisations, their teams and members: read by any signed-in caller, changed by admins (the
 * gateway's access rules). {@code {org}} and {@code {team}} are ids or slugs. The quotas of an
 * organisation or team are webhook-service's ({@code /api/orgs/{org}/quotas}), routed there
 * before these routes are consulted.
 */
@Path("/api/orgs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDefinition.PEOPLE_TAG)
@SecurityRequirement(name = OpenApiDefinition.BEARER)
@SecurityRequirement(name = OpenApiDefinition.API_KEY)
@SecurityRequirement(name = OpenApiDefinition.SESSION)
@APIResponse(responseCode = "401", description = "No API key or session, or an invalid one",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "403", description = "A change by a caller without the admin scope",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "404", description = "No such organisation, team or member",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
public class OrgResource {

    private static final String ORG = "The organisation's id (org_...) or slug";
    private static final String TEAM = "The team's id (team_...) or slug";

    private final OrgService orgs;

    public OrgResource(OrgService orgs) {
        this.orgs = orgs;
    }

    public record OrgView(String id, String name, String slug, String created_at) {
        static OrgView of(OrgRecord o) {
            return new OrgView(o.id(), o.name(), o.slug(), ApiKeyResource.iso(o.createdAt()));
        }
    }

    public record OrgList(List<OrgView> organizations) {
    }

    public record TeamView(String id, String org_id, String name, String slug, String created_at) {
        static TeamView of(TeamRecord t) {
            return new TeamView(t.id(), t.orgId(), t.name(), t.slug(), ApiKeyResource.iso(t.createdAt()));
        }
    }

    public record TeamList(List<TeamView> teams) {
    }

    public record MemberList(List<UserView> members) {
    }

    /** An organisation or team: slug defaults to one made from the name. */
    public record NameRequest(String name, String slug) {
    }

    public record MemberRequest(String user_id) {
    }

    @GET
    @Operation(operationId = "listOrgs", summary = "List the organisations (viewer)")
    @APIResponse(responseCode = "200", description = "Every organisation, by name",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrgList.class)))
    public Uni<OrgList> list() {
        return orgs.list().map(all -> new OrgList(all.stream().map(OrgView::of).toList()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createOrg", summary = "Create an organisation (admin)")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrgView.class)))
    @APIResponse(responseCode = "400", description = "Invalid name or slug",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "409", description = "The slug is taken",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not created: the database or the audit trail is unavailable",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> create(NameRequest body, @Context RoutingContext rc) {
        return named(body, true, "organisation", (name, slug) -> orgs.create(name, slug, ApiKeyResource.identity(rc),
                ApiKeyResource.clientIp(rc)), OrgView::of);
    }

    @GET
    @Path("/{org}")
    @Operation(operationId = "getOrg", summary = "An organisation (viewer)")
    @APIResponse(responseCode = "200", description = "The organisation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrgView.class)))
    public Uni<Response> get(@Parameter(description = ORG) @PathParam("org") String org) {
        return withOrg(org, o -> Uni.createFrom().item(Response.ok(OrgView.of(o)).build()));
    }

    @PATCH
    @Path("/{org}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateOrg", summary = "Rename an organisation or change its slug (admin)")
    @APIResponse(responseCode = "200", description = "The organisation as changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrgView.class)))
    @APIResponse(responseCode = "400", description = "Invalid name or slug",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "409", description = "The slug is taken",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> update(@Parameter(description = ORG) @PathParam("org") String org, NameRequest body,
                                @Context RoutingContext rc) {
        return withOrg(org, o -> named(body, false, "organisation", (name, slug) -> orgs.update(o, name, slug,
                ApiKeyResource.identity(rc), ApiKeyResource.clientIp(rc)), OrgView::of));
    }

    @DELETE
    @Path("/{org}")
    @Operation(operationId = "deleteOrg", summary = "Delete an organisation and its teams (admin)",
            description = "Refused while users belong to it, deactivated ones included: move them first.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "Users still belong to it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> delete(@Parameter(description = ORG) @PathParam("org") String org, @Context RoutingContext rc) {
        return withOrg(org, o -> PeopleAnswers.removed(orgs.delete(o, ApiKeyResource.identity(rc), ApiKeyResource.clientIp(rc)),
                "No organisation " + org, "Organisation not deleted"));
    }

    @GET
    @Path("/{org}/members")
    @Operation(operationId = "listOrgMembers", summary = "The users of an organisation (viewer)")
    @APIResponse(responseCode = "200", description = "Its users, by username",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MemberList.class)))
    public Uni<Response> orgMembers(@Parameter(description = ORG) @PathParam("org") String org) {
        return withOrg(org, o -> orgs.members(o).map(all -> Response.ok(new MemberList(all.stream().map(UserView::of).toList())).build()));
    }

    @GET
    @Path("/{org}/teams")
    @Operation(operationId = "listTeams", summary = "The teams of an organisation (viewer)")
    @APIResponse(responseCode = "200", description = "Its teams, by name",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TeamList.class)))
    public Uni<Response> teams(@Parameter(description = ORG) @PathParam("org") String org) {
        return withOrg(org, o -> orgs.teams(o).map(all -> Response.ok(new TeamList(all.stream().map(TeamView::of).toList())).build()));
    }

    @POST
    @Path("/{org}/teams")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createTeam", summary = "Create a team in an organisation (admin)")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TeamView.class)))
    @APIResponse(responseCode = "400", description = "Invalid name or slug",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "409", description = "The organisation has a team with this slug",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> createTeam(@Parameter(description = ORG) @PathParam("org") String org, NameRequest body,
                                    @Context RoutingContext rc) {
        return withOrg(org, o -> named(body, true, "team", (name, slug) -> orgs.createTeam(o, name, slug,
                ApiKeyResource.identity(rc), ApiKeyResource.clientIp(rc)), TeamView::of));
    }

    @GET
    @Path("/{org}/teams/{team}")
    @Operation(operationId = "getTeam", summary = "A team (viewer)")
    @APIResponse(responseCode = "200", description = "The team",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TeamView.class)))
    public Uni<Response> team(@Parameter(description = ORG) @PathParam("org") String org,
                              @Parameter(description = TEAM) @PathParam("team") String team) {
        return withTeam(org, team, t -> Uni.createFrom().item(Response.ok(TeamView.of(t)).build()));
    }

    @PATCH
    @Path("/{org}/teams/{team}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateTeam", summary = "Rename a team or change its slug (admin)")
    @APIResponse(responseCode = "200", description = "The team as changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TeamView.class)))
    @APIResponse(responseCode = "400", description = "Invalid name or slug",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "409", description = "The organisation has a team with this slug",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> updateTeam(@Parameter(description = ORG) @PathParam("org") String org,
                                    @Parameter(description = TEAM) @PathParam("team") String team, NameRequest body,
                                    @Context RoutingContext rc) {
        return withTeam(org, team, t -> named(body, false, "team", (name, slug) -> orgs.updateTeam(t, name, slug,
                ApiKeyResource.identity(rc), ApiKeyResource.clientIp(rc)), TeamView::of));
    }

    @DELETE
    @Path("/{org}/teams/{team}")
    @Operation(operationId = "deleteTeam", summary = "Delete a team and its memberships (admin)")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> deleteTeam(@Parameter(description = ORG) @PathParam("org") String org,
                                    @Parameter(description = TEAM) @PathParam("team") String team, @Context RoutingContext rc) {
        return withTeam(org, team, t -> PeopleAnswers.removed(orgs.deleteTeam(t, ApiKeyResource.identity(rc),
                ApiKeyResource.clientIp(rc)), "No team " + team, "Team not deleted"));
    }

    @GET
    @Path("/{org}/teams/{team}/members")
    @Operation(operationId = "listTeamMembers", summary = "The members of a team (viewer)")
    @APIResponse(responseCode = "200", description = "Its members, by username",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MemberList.class)))
    public Uni<Response> members(@Parameter(description = ORG) @PathParam("org") String org,
                                 @Parameter(description = TEAM) @PathParam("team") String team) {
        return withTeam(org, team, t -> orgs.members(t).map(all -> Response.ok(new MemberList(all.stream().map(UserView::of).toList())).build()));
    }

    @POST
    @Path("/{org}/teams/{team}/members")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "addTeamMember", summary = "Add a user of the organisation to a team (admin)")
    @APIResponse(responseCode = "200", description = "The user, with their teams",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "No user_id, no such user, or a user of another organisation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> addMember(@Parameter(description = ORG) @PathParam("org") String org,
                                   @Parameter(description = TEAM) @PathParam("team") String team, MemberRequest body,
                                   @Context RoutingContext rc) {
        if (body == null || body.user_id() == null || body.user_id().isBlank() || body.user_id().length() > 64) {
            return Uni.createFrom().item(PeopleAnswers.invalid("Invalid member", List.of(new FieldError("user_id", "a user's id"))));
        }
        return withTeam(org, team, t -> PeopleAnswers.changed(orgs.addMember(t, body.user_id(), ApiKeyResource.identity(rc),
                ApiKeyResource.clientIp(rc)), 200, UserView::of, "Member not added"));
    }

    @DELETE
    @Path("/{org}/teams/{team}/members/{user}")
    @Operation(operationId = "removeTeamMember", summary = "Remove a user from a team (admin)")
    @APIResponse(responseCode = "204", description = "Removed")
    public Uni<Response> removeMember(@Parameter(description = ORG) @PathParam("org") String org,
                                      @Parameter(description = TEAM) @PathParam("team") String team,
                                      @Parameter(description = "The user's id (usr_...)") @PathParam("user") String user,
                                      @Context RoutingContext rc) {
        return withTeam(org, team, t -> PeopleAnswers.removed(orgs.removeMember(t, user, ApiKeyResource.identity(rc),
                ApiKeyResource.clientIp(rc)), "User " + user + " is not in team " + team, "Member not removed"));
    }

    private Uni<Response> withOrg(String org, Function<OrgRecord, Uni<Response>> then) {
        return orgs.find(org).chain(found -> found.isEmpty() ? Uni.createFrom().item(JsonErrorMappers.json(404, "No organisation " + org))
                : then.apply(found.get()));
    }

    private Uni<Response> withTeam(String org, String team, Function<TeamRecord, Uni<Response>> then) {
        return withOrg(org, o -> orgs.team(o, team).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(JsonErrorMappers.json(404, "No team " + team + " in organisation " + org))
                : then.apply(found.get())));
    }

    private interface Change<T> {
        Uni<T> apply(String name, String slug);
    }

    /**
     * Validates an organisation's or team's name and slug and makes the change; on create the name
     * is required and the slug defaults to one made from it, on update absent fields stay.
     */
    private static <T> Uni<Response> named(NameRequest body, boolean create, String what, Change<T> change,
                                           Function<T, ?> view) {
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON body with a name is required"));
        }
        List<FieldError> errors = new ArrayList<>();
        if ((create || body.name() != null) && (body.name() == null || body.name().isBlank()
                || !PeopleAnswers.DISPLAY_NAME.matcher(body.name()).matches())) {
            errors.add(new FieldError("name", "1 to 100 printable characters"));
        }
        if (body.slug() != null && !PeopleAnswers.SLUG.matcher(body.slug()).matches()) {
            errors.add(new FieldError("slug", "1 to 63 lower-case letters, digits or hyphens, starting with a letter or digit"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(PeopleAnswers.invalid("Invalid " + what, errors));
        }
        String slug = body.slug() != null ? body.slug() : (create ? PeopleAnswers.slugOf(body.name(), what) : null);
        return PeopleAnswers.changed(change.apply(body.name() == null ? null : body.name().strip(), slug), create ? 201 : 200,
                view, capitalised(what) + " not " + (create ? "created" : "changed"));
    }

    private static String capitalised(String what) {
        return Character.toUpperCase(what.charAt(0)) + what.substring(1);
    }
}
