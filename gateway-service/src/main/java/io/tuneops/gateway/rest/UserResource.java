package io.tuneops.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.SignInConfig;
import io.tuneops.gateway.repository.UserRecord;
import io.tuneops.gateway.rest.ApiKeyResource.CreateRequest;
import io.tuneops.gateway.rest.ApiKeyResource.CreatedView;
import io.tuneops.gateway.rest.ApiKeyResource.FieldError;
import io.tuneops.gateway.rest.ApiKeyResource.KeyList;
import io.tuneops.gateway.rest.ApiKeyResource.KeyView;
import io.tuneops.gateway.rest.ApiKeyResource.NewKey;
import io.tuneops.gateway.rest.ApiKeyResource.ValidationError;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.Scope;
import io.tuneops.gateway.service.ApiKeyService;
import io.tuneops.gateway.service.UserService;
import io.tuneops.gateway.service.UserService.NewUser;
import io.tuneops.gateway.service.UserService.UserChange;
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
import java.util.Optional;

/**
 * Users and their API keys. Listing, creating and deactivating users is for admins; a user reads
 * themself, changes their own display name and password, and manages their own keys (the gateway
 * lets any signed-in caller reach those routes; the checks of who is "self" are here).
 */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDefinition.PEOPLE_TAG)
@SecurityRequirement(name = OpenApiDefinition.BEARER)
@SecurityRequirement(name = OpenApiDefinition.API_KEY)
@SecurityRequirement(name = OpenApiDefinition.SESSION)
@APIResponse(responseCode = "401", description = "No API key or session, or an invalid one",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "403", description = "Neither an admin nor the user themself (or a field only admins change)",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
public class UserResource {

    private static final String NOT_SELF = "Only an admin or the user themself may do this";

    private final UserService users;
    private final ApiKeyService keys;
    private final int passwordMinLength;

    public UserResource(UserService users, ApiKeyService keys, SignInConfig signIn) {
        this.users = users;
        this.keys = keys;
        this.passwordMinLength = signIn.passwordMinLength();
    }

    /** A user as every route shows one: never a password or its hash. */
    public record UserView(String id, String username, String display_name, String email, String role, boolean is_active,
                           String org_id, List<String> team_ids, String created_at, String last_login_at) {
        static UserView of(UserRecord u) {
            return new UserView(u.id(), u.username(), u.displayName(), u.email(), u.role().id(), u.active(), u.orgId(),
                    u.teamIds(), ApiKeyResource.iso(u.createdAt()), ApiKeyResource.iso(u.lastLoginAt()));
        }
    }

    public record UserList(List<UserView> users) {
    }

    public record CreateUser(String username, String display_name, String email, String password, String role,
                             String org_id, List<String> team_ids) {
    }

    /** Absent fields stay as they are; "" removes an email or the organisation (and with it the teams). */
    public record UpdateUser(String display_name, String email, String password, String current_password, String role,
                             String org_id, List<String> team_ids, Boolean is_active) {
    }

    @GET
    @Operation(operationId = "listUsers", summary = "List the users (admin)")
    @APIResponse(responseCode = "200", description = "Every user, active or not, by username",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserList.class)))
    public Uni<UserList> list() {
        return users.list().map(all -> new UserList(all.stream().map(UserView::of).toList()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createUser", summary = "Create a user (admin)",
            description = "role is viewer, operator or admin; password (optional, at least 12 characters by default) lets"
                    + " the user sign in to the console; team_ids must be teams of org_id.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, each listed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "409", description = "The username is taken",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not created: the database or the audit trail is unavailable",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> create(CreateUser body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON body with username and role is required"));
        }
        List<FieldError> errors = new ArrayList<>();
        if (body.username() == null || !PeopleAnswers.USERNAME.matcher(body.username()).matches()) {
            errors.add(new FieldError("username", "1 to 64 letters, digits or ._@-, starting with a letter or digit"));
        }
        if (body.display_name() != null && !PeopleAnswers.DISPLAY_NAME.matcher(body.display_name()).matches()) {
            errors.add(new FieldError("display_name", "1 to 100 printable characters"));
        }
        checkEmail(body.email(), errors);
        Scope role = role(body.role(), errors);
        checkPassword(body.password(), errors);
        checkIds(body.team_ids(), errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(PeopleAnswers.invalid("Invalid user", errors));
        }
        NewUser user = new NewUser(body.username(), body.display_name() == null ? body.username() : body.display_name(),
                blankToNull(body.email()), role, body.password(), blankToNull(body.org_id()),
                body.team_ids() == null ? List.of() : body.team_ids());
        return PeopleAnswers.changed(users.create(user, ApiKeyResource.identity(rc), ApiKeyResource.clientIp(rc)), 201,
                UserView::of, "User not created");
    }

    @GET
    @Path("/me")
    @Operation(operationId = "currentUser", summary = "The user the caller's key or session belongs to (viewer)")
    @APIResponse(responseCode = "200", description = "The caller",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "404", description = "The caller is the bootstrap admin key, which belongs to no user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> me(@Context RoutingContext rc) {
        return me(users, ApiKeyResource.identity(rc));
    }

    /** The caller's own user, or 404 for the bootstrap admin key. */
    static Uni<Response> me(UserService users, Identity caller) {
        if (caller.person() == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(404, "The bootstrap admin key belongs to no user"));
        }
        return users.find(caller.person().id()).map(found -> found.map(u -> Response.ok(UserView.of(u)).build())
                .orElseGet(() -> JsonErrorMappers.json(404, "No user " + caller.person().id())));
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getUser", summary = "A user (admin, or the user themself)")
    @APIResponse(responseCode = "200", description = "The user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "404", description = "No such user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@Parameter(description = "The user's id (usr_...)") @PathParam("id") String id,
                             @Context RoutingContext rc) {
        Optional<Response> refused = adminOrSelf(rc, id);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        return users.find(id).map(found -> found.map(u -> Response.ok(UserView.of(u)).build())
                .orElseGet(() -> notFound(id)));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateUser", summary = "Change a user (admin; the user themself: display_name and password)",
            description = "A user changing their own password repeats the current one in current_password. Deactivating"
                    + " (is_active false) stops the user's keys and sessions at once; a change of role, organisation or"
                    + " teams holds on every gateway replica within the key cache time (1 s).")
    @APIResponse(responseCode = "200", description = "The user as changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, each listed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "404", description = "No such user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "409", description = "An admin deactivating themself",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not changed: the database or the audit trail is unavailable",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> update(@Parameter(description = "The user's id (usr_...)") @PathParam("id") String id,
                                UpdateUser body, @Context RoutingContext rc) {
        Optional<Response> refused = adminOrSelf(rc, id);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON body with the fields to change is required"));
        }
        Identity caller = ApiKeyResource.identity(rc);
        if (!caller.has(Scope.ADMIN) && (body.email() != null || body.role() != null || body.org_id() != null
                || body.team_ids() != null || body.is_active() != null)) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "You may change only your own display_name and password"));
        }
        List<FieldError> errors = new ArrayList<>();
        if (body.display_name() != null && !PeopleAnswers.DISPLAY_NAME.matcher(body.display_name()).matches()) {
            errors.add(new FieldError("display_name", "1 to 100 printable characters"));
        }
        if (body.email() != null && !body.email().isEmpty()) {
            checkEmail(body.email(), errors);
        }
        Scope role = body.role() == null ? null : role(body.role(), errors);
        checkPassword(body.password(), errors);
        checkIds(body.team_ids(), errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(PeopleAnswers.invalid("Invalid change", errors));
        }
        UserChange change = new UserChange(body.display_name(), body.email(), role, body.password(), body.org_id(),
                body.team_ids(), body.is_active());
        return PeopleAnswers.changed(users.update(id, change, body.current_password(), caller, ApiKeyResource.clientIp(rc)),
                200, UserView::of, "User not changed");
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deactivateUser", summary = "Deactivate a user (admin)",
            description = "The user is kept (their jobs and audit events name them) but can no longer sign in; their"
                    + " keys and sessions stop at once, on every gateway replica within the key cache time (1 s).")
    @APIResponse(responseCode = "200", description = "Deactivated; the user as it stands",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "404", description = "No such user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "409", description = "An admin deactivating themself",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not deactivated: the database or the audit trail is unavailable",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> deactivate(@Parameter(description = "The user's id (usr_...)") @PathParam("id") String id,
                                    @Context RoutingContext rc) {
        return PeopleAnswers.changed(users.deactivate(id, ApiKeyResource.identity(rc), ApiKeyResource.clientIp(rc)), 200,
                UserView::of, "User not deactivated");
    }

    @GET
    @Path("/{id}/api-keys")
    @Operation(operationId = "listUserApiKeys", summary = "A user's API keys (admin, or the user themself), never their secrets")
    @APIResponse(responseCode = "200", description = "The user's keys, newest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyList.class)))
    public Uni<Response> listKeys(@Parameter(description = "The user's id (usr_...)") @PathParam("id") String id,
                                  @Context RoutingContext rc) {
        Optional<Response> refused = adminOrSelf(rc, id);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        return keys.listOf(id).map(all -> Response.ok(new KeyList(all.stream().map(KeyView::of).toList())).build());
    }

    @POST
    @Path("/{id}/api-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createUserApiKey", summary = "Create an API key of a user (admin, or the user themself)",
            description = "The scopes may not exceed the user's role; should the role be lowered later, the key's scopes"
                    + " are capped by it. A key that expires makes keys that expire no later: without expires_at"
                    + " the new key expires with it. The key itself is in this answer only.")
    @APIResponse(responseCode = "201", description = "Created; the answer holds the key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreatedView.class)))
    @APIResponse(responseCode = "400", description = "Invalid name, scopes (or above the user's role) or expiry",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "403", description = "Scopes beyond, or an expiry later than, the key or session that asks",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "409", description = "The user is deactivated",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not created: the database or the audit trail is unavailable",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> createKey(@Parameter(description = "The user's id (usr_...)") @PathParam("id") String id,
                                   CreateRequest body, @Context RoutingContext rc) {
        Optional<Response> refused = adminOrSelf(rc, id);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON body with name and scopes is required"));
        }
        List<FieldError> errors = new ArrayList<>();
        NewKey key = NewKey.of(body, errors, null);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(PeopleAnswers.invalid("Invalid API key request", errors));
        }
        return users.find(id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(notFound(id));
            }
            UserRecord user = found.get();
            if (!user.active()) {
                return Uni.createFrom().item(JsonErrorMappers.json(409, "User " + id + " is deactivated"));
            }
            List<String> above = key.scopes().stream().filter(s -> !user.role().includes(Scope.parse(s).orElseThrow())).toList();
            if (!above.isEmpty()) {
                return Uni.createFrom().item(PeopleAnswers.invalid("Invalid API key request", List.of(new FieldError("scopes",
                        String.join(", ", above) + " exceeds the user's role '" + user.role().id() + "'"))));
            }
            Identity caller = ApiKeyResource.identity(rc);
            Optional<Response> beyond = key.beyond(caller);
            if (beyond.isPresent()) {
                return Uni.createFrom().item(beyond.get());
            }
            Optional<Response> outlives = key.outlives(caller);
            if (outlives.isPresent()) {
                return Uni.createFrom().item(outlives.get());
            }
            NewKey allowed = key.expiringWith(caller);
            return keys.create(allowed.name(), allowed.scopes(), allowed.expiresAt(), id, caller, ApiKeyResource.clientIp(rc))
                    .map(created -> Response.status(201).entity(CreatedView.of(created)).build());
        }).onFailure().recoverWithItem(e -> PeopleAnswers.failed("API key not created", e));
    }

    @DELETE
    @Path("/{id}/api-keys/{key}")
    @Operation(operationId = "revokeUserApiKey", summary = "Revoke an API key of a user (admin, or the user themself)")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "The user has no active key with this id",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not revoked: the database or the audit trail is unavailable",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> revokeKey(@Parameter(description = "The user's id (usr_...)") @PathParam("id") String id,
                                   @Parameter(description = "The key's id (key_...)") @PathParam("key") String key,
                                   @Context RoutingContext rc) {
        Optional<Response> refused = adminOrSelf(rc, id);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        return PeopleAnswers.removed(keys.revoke(key, id, ApiKeyResource.identity(rc), ApiKeyResource.clientIp(rc)),
                "User " + id + " has no active API key " + key, "API key not revoked");
    }

    private static Optional<Response> adminOrSelf(RoutingContext rc, String id) {
        Identity caller = ApiKeyResource.identity(rc);
        return caller.has(Scope.ADMIN) || caller.is(id) ? Optional.empty() : Optional.of(JsonErrorMappers.json(403, NOT_SELF));
    }

    private static Response notFound(String id) {
        return JsonErrorMappers.json(404, "No user " + id);
    }

    private static Scope role(String role, List<FieldError> errors) {
        Optional<Scope> parsed = role == null ? Optional.empty() : Scope.parse(role);
        if (parsed.isEmpty()) {
            errors.add(new FieldError("role", "one of viewer, operator, admin"));
            return null;
        }
        return parsed.get();
    }

    private static void checkEmail(String email, List<FieldError> errors) {
        if (email != null && !email.isEmpty() && (email.length() > 254 || !PeopleAnswers.EMAIL.matcher(email).matches())) {
            errors.add(new FieldError("email", "an e-mail address such as ada@example.com"));
        }
    }

    private void checkPassword(String password, List<FieldError> errors) {
        if (password != null && (password.length() < passwordMinLength || password.length() > PeopleAnswers.MAX_PASSWORD)) {
            errors.add(new FieldError("password", passwordMinLength + " to " + PeopleAnswers.MAX_PASSWORD + " characters"));
        }
    }

    private static void checkIds(List<String> teamIds, List<FieldError> errors) {
        if (teamIds != null && (teamIds.size() > 100 || teamIds.stream().anyMatch(t -> t == null || t.length() > 64))) {
            errors.add(new FieldError("team_ids", "at most 100 team ids"));
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
