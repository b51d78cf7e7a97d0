package io.tuneops.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.OidcConfig;
import io.tuneops.gateway.rest.SessionResource.SignInRequest;
import io.tuneops.gateway.rest.UserResource.UserView;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.service.UserService;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/**
 * The original's sign-in routes, for its clients: {@code POST /api/auth/login} with a username and
 * password (a session cookie, as the console's), {@code logout}, {@code me} and {@code status}.
 * Login and status are open at the gateway (status says who the caller is, if anyone); me needs a
 * key or session.
 */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDefinition.SIGN_IN_TAG)
public class AuthResource {

    private final SignInFlow flow;
    private final UserService users;
    private final boolean oidcEnabled;

    public AuthResource(SignInFlow flow, UserService users, OidcConfig oidc) {
        this.flow = flow;
        this.users = users;
        this.oidcEnabled = oidc.enabled();
    }

    /** remember_me is accepted for the original's clients; a session lasts TUNEOPS_CONSOLE_SESSION_LIFETIME either way. */
    public record LoginRequest(String username, String password, Boolean remember_me) {
    }

    /** The original's answer, with the session's CSRF token, which unsafe requests on the cookie repeat in X-CSRF-Token. */
    public record LoginAnswer(boolean success, UserView user, String message, String csrf_token, String expires_at) {
    }

    public record LogoutAnswer(boolean success, String message) {
    }

    public record Status(boolean authenticated, UserView user, String auth_method, boolean password_sign_in,
                         boolean oidc_enabled, boolean needs_setup) {
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_JSON)
    @SecurityRequirements
    @Operation(operationId = "login", summary = "Sign in with a username and password",
            description = "Five failed sign-ins of one username within 15 minutes lock it for 15 minutes (429), a right"
                    + " password included; TUNEOPS_SIGN_IN_* change the figures.")
    @APIResponse(responseCode = "200", description = "Signed in; the session cookie comes in Set-Cookie",
            headers = @Header(name = "Set-Cookie", description = "tuneops_session=...; Path=/; HttpOnly; SameSite=Strict[; Secure]"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LoginAnswer.class)))
    @APIResponse(responseCode = "400", description = "No username or password",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeyResource.ValidationError.class)))
    @APIResponse(responseCode = "401", description = "Invalid username or password",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "Sent from another site's page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "The username is locked after too many failures; Retry-After says when to retry",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Users or sessions cannot be read just now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> login(LoginRequest body, @Context RoutingContext rc) {
        if (SignInFlow.crossOrigin(rc)) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, SignInFlow.CROSS_ORIGIN));
        }
        List<ApiKeyResource.FieldError> errors = new ArrayList<>();
        if (body == null || body.username() == null || body.username().isBlank()) {
            errors.add(new ApiKeyResource.FieldError("username", "required"));
        }
        if (body == null || body.password() == null || body.password().isEmpty()) {
            errors.add(new ApiKeyResource.FieldError("password", "required"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(PeopleAnswers.invalid("Invalid sign-in", errors));
        }
        return flow.attempt(new SignInRequest(null, body.username(), body.password()), rc).map(outcome -> switch (outcome.result()) {
                    case SIGNED_IN -> Response.ok(new LoginAnswer(true, UserView.of(outcome.user()), "Signed in",
                                    outcome.session().session().csrfToken(), outcome.session().session().expiresAt().toString()))
                            .header(HttpHeaders.SET_COOKIE.toString(), flow.issue(outcome.session(), rc)).build();
                    case LOCKED -> SignInFlow.locked(outcome);
                    case REFUSED -> JsonErrorMappers.json(401, SignInFlow.INVALID_PASSWORD);
                })
                .onFailure().recoverWithItem(SignInFlow::unavailable);
    }

    @POST
    @Path("/logout")
    @SecurityRequirements
    @Operation(operationId = "logout", summary = "Sign out",
            description = "Ends the session of the cookie (with its CSRF token in X-CSRF-Token) and clears the cookie."
                    + " Without a session it just clears the cookie.")
    @APIResponse(responseCode = "200", description = "Signed out",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LogoutAnswer.class)))
    @APIResponse(responseCode = "403", description = "A wrong or missing CSRF token, or another site's page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> logout(@Context RoutingContext rc) {
        return flow.signOut(rc.request().getHeader(GatewayGuard.CSRF_TOKEN_HEADER), rc,
                () -> Response.ok(new LogoutAnswer(true, "Signed out")));
    }

    @GET
    @Path("/me")
    @SecurityRequirement(name = OpenApiDefinition.BEARER)
    @SecurityRequirement(name = OpenApiDefinition.API_KEY)
    @SecurityRequirement(name = OpenApiDefinition.SESSION)
    @Operation(operationId = "me", summary = "The signed-in user (viewer)")
    @APIResponse(responseCode = "200", description = "The caller",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "401", description = "No key or session, or an invalid one",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "The caller is the bootstrap admin key, which belongs to no user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> me(@Context RoutingContext rc) {
        return UserResource.me(users, ApiKeyResource.identity(rc));
    }

    @GET
    @Path("/status")
    @SecurityRequirements
    @Operation(operationId = "authStatus", summary = "Whether the caller is signed in, and how one signs in",
            description = "Open: a key or session, when presented, is checked (an invalid key is 401) and its user shown.")
    @APIResponse(responseCode = "200", description = "The caller's state",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Status.class)))
    public Uni<Status> status(@Context RoutingContext rc) {
        Identity caller = ApiKeyResource.identity(rc);
        if (caller == null) {
            return Uni.createFrom().item(new Status(false, null, null, true, oidcEnabled, false));
        }
        String method = Boolean.TRUE.equals(rc.get(GatewayGuard.BY_SESSION)) ? "session" : "api_key";
        if (caller.person() == null) {
            return Uni.createFrom().item(new Status(true, null, method, true, oidcEnabled, false));
        }
        return users.find(caller.person().id()).map(found -> new Status(true, found.map(UserView::of).orElse(null), method,
                true, oidcEnabled, false));
    }
}
