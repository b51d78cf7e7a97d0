package io.tuneops.gateway.rest;

import inet.ipaddr.IPAddress;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.security.AuthFailureAudit;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.OwnOrigin;
import io.tuneops.gateway.security.Scope;
import io.tuneops.gateway.service.SessionService;
import io.tuneops.gateway.session.NextPath;
import io.tuneops.gateway.session.SessionCookie;
import io.tuneops.gateway.session.SessionTokens;
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
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * The console's sign-in and sign-out. Open at the gateway's guard (signing in is how a browser
 * gets credentials); these routes read the session cookie themselves. The console's sign-in form
 * posts here directly: a form is answered with redirects (the key never in a URL), JSON with JSON.
 * Another site's Origin is refused, so no other site can sign a browser in or out.
 */
@Path("/api/auth/session")
@Tag(name = OpenApiDefinition.SESSIONS_TAG)
public class SessionResource {

    private static final Logger LOG = Logger.getLogger(SessionResource.class);
    private static final String SIGN_IN_PAGE = "/sign-in";
    private static final String SIGN_IN_FAILED = "/sign-in?error=invalid";
    private static final String CROSS_ORIGIN = "Cross-origin request refused";
    private static final String UNAVAILABLE = "Signing in is unavailable, try again shortly";
    // SmallRye OpenAPI describes each pair of methods below (form, and JSON or none) as one operation
    private static final String SIGN_IN = "Sign in with an API key";
    private static final String SIGN_IN_DETAIL = "The console's sign-in form posts api_key and next (a path on this"
            + " site, / by default) and is answered with redirects, so the key is never in a URL; JSON is answered"
            + " with JSON. The session cookie comes in Set-Cookie.";
    private static final String SIGN_OUT = "Sign out";
    private static final String SIGN_OUT_DETAIL = "The console's form posts the session's CSRF token in _csrf and is"
            + " redirected to /sign-in; other callers send it in X-CSRF-Token and get 204. The cookie is cleared.";

    private final SessionService sessions;
    private final OwnOrigin ownOrigin;
    private final AuthFailureAudit failures;

    public SessionResource(SessionService sessions, OwnOrigin ownOrigin, AuthFailureAudit failures) {
        this.sessions = sessions;
        this.ownOrigin = ownOrigin;
        this.failures = failures;
    }

    public record SignInRequest(String api_key) {
    }

    /** The session just opened; its token is in the Set-Cookie header only. */
    public record SessionView(String actor, String name, List<String> scopes, String expires_at) {
    }

    public record CurrentSession(String actor, String name, List<String> scopes, String csrf_token, String expires_at) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(operationId = "signInWithForm", summary = SIGN_IN, description = SIGN_IN_DETAIL)
    @APIResponse(responseCode = "303", description = "Signed in: to next, with the session cookie; or, with a"
            + " missing, unknown, revoked or expired key, to /sign-in?error=invalid",
            headers = @Header(name = "Set-Cookie", description = "tuneops_session=...; Path=/; HttpOnly; SameSite=Strict[; Secure]"))
    @APIResponse(responseCode = "403", description = "The form was posted from another site",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Keys or sessions cannot be read just now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> signInWithForm(@FormParam("api_key") String apiKey, @FormParam("next") String next,
                                        @Context RoutingContext rc) {
        if (crossOrigin(rc)) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, CROSS_ORIGIN));
        }
        return signIn(apiKey, rc).map(signedIn -> signedIn
                        .map(s -> redirect(NextPath.orHome(next)).header(HttpHeaders.SET_COOKIE.toString(), issue(s, rc)).build())
                        .orElseGet(() -> redirect(SIGN_IN_FAILED).build()))
                .onFailure().recoverWithItem(e -> unavailable(e));
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
    @APIResponse(responseCode = "401", description = "A missing, unknown, revoked or expired key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "Sent from another site's page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Keys or sessions cannot be read just now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> signIn(SignInRequest body, @Context RoutingContext rc) {
        if (crossOrigin(rc)) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, CROSS_ORIGIN));
        }
        return signIn(body == null ? null : body.api_key(), rc).map(signedIn -> signedIn
                        .map(s -> Response.ok(new SessionView(s.identity().actor(), s.identity().name(), scopes(s.identity()),
                                s.session().expiresAt().toString())).header(HttpHeaders.SET_COOKIE.toString(), issue(s, rc)).build())
                        .orElseGet(() -> JsonErrorMappers.json(401, "Invalid, expired or revoked API key")))
                .onFailure().recoverWithItem(e -> unavailable(e));
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
        return sessions.current(cookie(rc)).map(found -> found
                        .map(s -> Response.ok(new CurrentSession(s.identity().actor(), s.identity().name(), scopes(s.identity()),
                                s.record().csrfToken(), s.record().expiresAt().toString())).build())
                        .orElseGet(() -> JsonErrorMappers.json(401, "Not signed in")))
                .onFailure().recoverWithItem(e -> unavailable(e));
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

    /** A sign-in replaces the browser's previous session, if it still had one. */
    private Uni<Optional<SessionService.SignedIn>> signIn(String apiKey, RoutingContext rc) {
        return sessions.current(cookie(rc))
                .flatMap(previous -> previous.isPresent() ? sessions.signOut(previous.get()) : Uni.createFrom().voidItem())
                .flatMap(ended -> sessions.signIn(apiKey))
                .invoke(signedIn -> {
                    if (signedIn.isEmpty()) {
                        failures.refused(rc, clientIp(rc), 401, "sign-in");
                    }
                });
    }

    private Uni<Response> signOut(String csrf, RoutingContext rc, boolean form) {
        if (crossOrigin(rc)) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, CROSS_ORIGIN));
        }
        String cleared = SessionCookie.cleared(ownOrigin.secureCookies(rc.request()));
        return sessions.current(cookie(rc)).flatMap(found -> {
            if (found.isPresent() && !SessionTokens.same(found.get().record().csrfToken(), csrf)) {
                failures.refused(rc, clientIp(rc), 403, "csrf");
                return Uni.createFrom().item(JsonErrorMappers.json(403, "CSRF token missing or invalid"));
            }
            Uni<Void> ended = found.isPresent() ? sessions.signOut(found.get()) : Uni.createFrom().voidItem();
            return ended.replaceWith(() -> (form ? redirect(SIGN_IN_PAGE) : Response.noContent())
                    .header(HttpHeaders.SET_COOKIE.toString(), cleared).build());
        }).onFailure().recoverWithItem(e -> unavailable(e));
    }

    private String issue(SessionService.SignedIn signedIn, RoutingContext rc) {
        return SessionCookie.issue(signedIn.token(), ownOrigin.secureCookies(rc.request()));
    }

    /** A 303 to a path of this site, as the browser should see it: relative, whatever scheme the gateway was reached with. */
    private static Response.ResponseBuilder redirect(String path) {
        return Response.status(Response.Status.SEE_OTHER).header(HttpHeaders.LOCATION.toString(), path);
    }

    private static Response unavailable(Throwable failure) {
        LOG.errorf(failure, "session store or key lookup failed");
        return JsonErrorMappers.json(503, UNAVAILABLE);
    }

    private static boolean crossOrigin(RoutingContext rc) {
        return Boolean.TRUE.equals(rc.get(GatewayGuard.CROSS_ORIGIN));
    }

    private static String cookie(RoutingContext rc) {
        List<String> headers = rc.request().headers().getAll(HttpHeaders.COOKIE);
        return headers.isEmpty() ? null : SessionCookie.token(headers);
    }

    private static List<String> scopes(Identity identity) {
        return identity.scopes().stream().map(Scope::id).sorted().toList();
    }

    private static String clientIp(RoutingContext rc) {
        IPAddress ip = rc.get(GatewayGuard.CLIENT_IP);
        return ip == null ? "unknown" : ip.toCanonicalString();
    }
}
