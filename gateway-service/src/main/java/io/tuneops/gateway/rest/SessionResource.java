package io.tuneops.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.Scope;
import io.tuneops.gateway.service.SessionService;
import io.tuneops.gateway.session.NextPath;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * The console's sign-in (an API key, or a username and password) and sign-out. Open at the gateway's guard (signing in is how a browser
 * gets credentials); these routes read the session cookie themselves. The console's sign-in form
 * posts here directly: a form is answered with redirects (no secret ever in a URL), JSON with JSON.
 * Another site's Origin is refused, so no other site can sign a browser in or out.
 */
@Path("/api/auth/session")
@Tag(name = OpenApiDefinition.SESSIONS_TAG)
public class SessionResource {

    private static final String SIGN_IN_PAGE = "/sign-in";
    private static final String SIGN_IN_FAILED = "/sign-in?error=invalid";
    private static final String SIGN_IN_LOCKED = "/sign-in?error=locked";
    // SmallRye OpenAPI describes each pair of methods below (form, and JSON or none) as one operation
    private static final String SIGN_IN = "Sign in with an API key, or a username and password";
    private static final String SIGN_IN_DETAIL = "The console's sign-in form posts api_key (or username and password)"
            + " and next (a path on this site, / by default) and is answered with redirects, so no secret is ever in a"
            + " URL; JSON is answered with JSON. The session cookie comes in Set-Cookie. A username locked after too"
            + " many failed sign-ins is answered 429 (the form: to /sign-in?error=locked).";
    private static final String SIGN_OUT = "Sign out";
    private static final String SIGN_OUT_DETAIL = "The console's form posts the session's CSRF token in _csrf and is"
            + " redirected to /sign-in; other callers send it in X-CSRF-Token and get 204. The cookie is cleared.";

    private final SessionService sessions;
    private final SignInFlow flow;

    public SessionResource(SessionService sessions, SignInFlow flow) {
        this.sessions = sessions;
        this.flow = flow;
    }

    /** An API key, or a username and password. */
    public record SignInRequest(String api_key, String username, String password) {
    }

    /** The session just opened; its token is in the Set-Cookie header only. */
    public record SessionView(String actor, String name, List<String> scopes, String expires_at) {
    }

    public record CurrentSession(String actor, String name, List<String> scopes, String csrf_token, String expires_at,
                                 String user_id, String username) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(operationId = "signInWithForm", summary = SIGN_IN, description = SIGN_IN_DETAIL)
    @APIResponse(responseCode = "303", description = "Signed in: to next, with the session cookie; or, with a"
            + " missing, unknown, revoked or expired key or a wrong username or password, to /sign-in?error=invalid;"
            + " with a locked username, to /sign-in?error=locked",
            headers = @Header(name = "Set-Cookie", description = "tuneops_session=...; Path=/; HttpOnly; SameSite=Strict[; Secure]"))
    @APIResponse(responseCode = "403", description = "The form was posted from another site",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Keys or sessions cannot be read just now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> signInWithForm(@FormParam("api_key") String apiKey, @FormParam("username") String username,
                                        @FormParam("password") String password, @FormParam("next") String next,
                                        @Context RoutingContext rc) {
        if (SignInFlow.crossOrigin(rc)) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, SignInFlow.CROSS_ORIGIN));
        }
        return flow.attempt(new SignInRequest(apiKey, username, password), rc).map(outcome -> switch (outcome.result()) {
                    case SIGNED_IN -> redirect(NextPath.orHome(next))
                            .header(HttpHeaders.SET_COOKIE.toString(), flow.issue(outcome.session(), rc)).build();
                    case LOCKED -> redirect(SIGN_IN_LOCKED).build();
                    case REFUSED -> redirect(SIGN_IN_FAILED).build();
                })
                .onFailure().recoverWithItem(SignInFlow::unavailable);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "signIn", summary = SIGN_IN, description = SIGN_IN_DETAIL)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SignInRequest.class)))
    @APIResponse(responseCode = "200", description = "Signed in",
            headers = @Header(name = "Set-Cookie", description = "tuneops_session=...; Path=/; HttpOnly; SameSite=Strict[; Secure]"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionView.class)))
    @APIResponse(responseCode = "400", description = "The body is not JSON",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "A missing, unknown, revoked or expired key, or a wrong username or password",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "The username is locked after too many failed sign-ins; Retry-After says when to retry",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "Sent from another site's page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Keys or sessions cannot be read just now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> signIn(SignInRequest body, @Context RoutingContext rc) {
        if (SignInFlow.crossOrigin(rc)) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, SignInFlow.CROSS_ORIGIN));
        }
        return flow.attempt(body == null ? new SignInRequest(null, null, null) : body, rc).map(outcome -> switch (outcome.result()) {
                    case SIGNED_IN -> Response.ok(new SessionView(outcome.session().identity().actor(),
                                    outcome.session().identity().name(), scopes(outcome.session().identity()),
                                    outcome.session().session().expiresAt().toString()))
                            .header(HttpHeaders.SET_COOKIE.toString(), flow.issue(outcome.session(), rc)).build();
                    case LOCKED -> SignInFlow.locked(outcome);
                    case REFUSED -> JsonErrorMappers.json(401, body != null && body.username() != null
                            ? SignInFlow.INVALID_PASSWORD : "Invalid, expired or revoked API key");
                })
                .onFailure().recoverWithItem(SignInFlow::unavailable);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = OpenApiDefinition.SESSION)
    @Operation(operationId = "currentSession", summary = "The signed-in session: who, with which scopes, and its CSRF"
            + " token, which unsafe API requests authenticated by the cookie repeat in X-CSRF-Token")
    @APIResponse(responseCode = "200", description = "Signed in",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CurrentSession.class)))
    @APIResponse(responseCode = "401", description = "No session cookie, or its session has ended",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> current(@Context RoutingContext rc) {
        return sessions.current(SignInFlow.cookie(rc)).map(found -> found
                        .map(s -> Response.ok(new CurrentSession(s.identity().actor(), s.identity().name(), scopes(s.identity()),
                                s.record().csrfToken(), s.record().expiresAt().toString(),
                                s.identity().person() == null ? null : s.identity().person().id(),
                                s.identity().person() == null ? null : s.identity().person().username())).build())
                        .orElseGet(() -> JsonErrorMappers.json(401, "Not signed in")))
                .onFailure().recoverWithItem(SignInFlow::unavailable);
    }

    @POST
    @Path("/end")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(operationId = "signOutWithForm", summary = SIGN_OUT, description = SIGN_OUT_DETAIL)
    @RequestBody(required = false)
    @APIResponse(responseCode = "303", description = "Signed out (or not signed in): to /sign-in, the cookie cleared")
    @APIResponse(responseCode = "403", description = "A wrong or missing CSRF token, or another site's form",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> signOutWithForm(@FormParam("_csrf") String csrf, @Context RoutingContext rc) {
        return signOut(csrf != null ? csrf : rc.request().getHeader(GatewayGuard.CSRF_TOKEN_HEADER), rc, true);
    }

    @POST
    @Path("/end")
    @Operation(operationId = "signOut", summary = SIGN_OUT, description = SIGN_OUT_DETAIL)
    @APIResponse(responseCode = "204", description = "Signed out (or not signed in); the cookie cleared")
    @APIResponse(responseCode = "403", description = "A wrong or missing CSRF token, or another site's page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> signOut(@Context RoutingContext rc) {
        return signOut(rc.request().getHeader(GatewayGuard.CSRF_TOKEN_HEADER), rc, false);
    }

    private Uni<Response> signOut(String csrf, RoutingContext rc, boolean form) {
        return flow.signOut(csrf, rc, () -> form ? redirect(SIGN_IN_PAGE) : Response.noContent());
    }

    /** A 303 to a path of this site, as the browser should see it: relative, whatever scheme the gateway was reached with. */
    private static Response.ResponseBuilder redirect(String path) {
        return Response.status(Response.Status.SEE_OTHER).header(HttpHeaders.LOCATION.toString(), path);
    }

    private static List<String> scopes(Identity identity) {
        return identity.scopes().stream().map(Scope::id).sorted().toList();
    }

}
