package io.tuneops.gateway.rest;

import inet.ipaddr.IPAddress;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.OidcConfig;
import io.quarkus.vertx.http.security.AuthorizationPolicy;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.OidcSignInPolicy;
import io.tuneops.gateway.security.OwnOrigin;
import io.tuneops.gateway.service.OidcSignInService;
import io.tuneops.gateway.service.OidcSignInService.Outcome;
import io.tuneops.gateway.service.OidcSignInService.Refused;
import io.tuneops.gateway.service.OidcSignInService.SignedIn;
import io.tuneops.gateway.service.OidcSignInService.VerifiedClaims;
import io.tuneops.gateway.session.SessionCookie;
import io.tuneops.support.http.ErrorResponse;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Console sign-in with the OpenID Connect provider. quarkus-oidc guards {@code /login} and
 * {@code /callback} ({@link OidcSignInPolicy}): without its
 * short-lived session it sends the browser to the provider, and on the way back it checks the
 * state, exchanges the code (with PKCE) and verifies the ID token before these methods run. They
 * turn the verified e-mail address into a tuneops session and drop quarkus-oidc's own session at
 * once: the tuneops session is the only one that counts, and signing out ends it.
 *
 * <p>Answers are pages, for browsers. A successful sign-in answers a page that moves on to the
 * console by itself rather than a redirect: the browser arrives here in a redirect chain another
 * site started, and it would not send the SameSite=Strict session cookie with a redirect at the
 * end of that chain, whereas a navigation this page starts is this site's own.
 */
@Path("/api/auth/oidc")
@Tag(name = OpenApiDefinition.SESSIONS_TAG)
public class OidcResource {

    /** Where the sign-in page's "Sign in with ..." link points. */
    public static final String LOGIN_PATH = "/api/auth/oidc/login";

    private static final Logger LOG = Logger.getLogger(OidcResource.class);
    private static final String PROVIDER_SESSION_COOKIE = "q_session";
    // the page's own navigation must start from this site, so no sandbox (see the class comment)
    private static final String PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'";
    /** The characters of an OAuth error code (RFC 6749 section 4.1.2.1), in practice. */
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final String NOT_CONFIGURED = "; 404 when OpenID Connect sign-in is not configured";

    private final OidcConfig config;
    private final OidcSignInService signIn;
    private final OwnOrigin ownOrigin;

    public OidcResource(OidcConfig config, OidcSignInService signIn, OwnOrigin ownOrigin) {
        this.config = config;
        this.signIn = signIn;
        this.ownOrigin = ownOrigin;
    }

    @GET
    @Path("/login")
    @SecurityRequirements
    @AuthorizationPolicy(name = OidcSignInPolicy.NAME)
    @Produces(MediaType.TEXT_HTML)
    @Operation(operationId = "signInWithOidc", summary = "Sign in with the OpenID Connect provider",
            description = "Where the console's \"Sign in with ...\" link points: to the provider's authorization"
                    + " endpoint, which sends the browser back to /api/auth/oidc/callback" + NOT_CONFIGURED)
    @APIResponse(responseCode = "302", description = "To the provider's authorization endpoint (code flow with PKCE)")
    @APIResponse(responseCode = "404", description = "OpenID Connect sign-in is not configured")
    public Uni<Response> login(@Context RoutingContext rc) {
        return complete(rc);
    }

    @GET
    @Path("/callback")
    @SecurityRequirements
    @AuthorizationPolicy(name = OidcSignInPolicy.NAME)
    @Produces(MediaType.TEXT_HTML)
    @Operation(operationId = "oidcCallback", summary = "The provider's answer to a sign-in",
            description = "The redirect URI registered with the provider. The state, the code and the ID token are"
                    + " checked; the token's e-mail address must belong to exactly one active tuneops user" + NOT_CONFIGURED)
    @APIResponse(responseCode = "200", description = "Signed in: a page that moves on to the console (/)",
            headers = @Header(name = "Set-Cookie", description = "tuneops_session=...; Path=/; HttpOnly; SameSite=Strict[; Secure]"))
    @APIResponse(responseCode = "401", description = "A missing or tampered state, or a code the provider does not accept")
    @APIResponse(responseCode = "403", description = "No active tuneops user has the verified e-mail address: no session")
    @APIResponse(responseCode = "404", description = "OpenID Connect sign-in is not configured")
    @APIResponse(responseCode = "503", description = "Users or sessions cannot be read just now")
    public Uni<Response> callback(@Context RoutingContext rc) {
        return complete(rc);
    }

    @GET
    @Path("/error")
    @SecurityRequirements
    @Produces(MediaType.TEXT_HTML)
    @Operation(operationId = "oidcError", summary = "The provider refused to sign the browser in",
            description = "Where quarkus-oidc sends the provider's error answer (the user cancelled, for one)" + NOT_CONFIGURED)
    @APIResponse(responseCode = "403", description = "A page saying so, with a way back to the sign-in page")
    @APIResponse(responseCode = "404", description = "OpenID Connect sign-in is not configured")
    public Response error(@QueryParam("error") String error) {
        requireEnabled();
        String code = error != null && ERROR_CODE.matcher(error).matches() ? " (" + error + ")" : "";
        return page(Response.Status.FORBIDDEN, "Sign-in refused",
                config.providerName() + " did not sign you in" + code + ".", false).build();
    }

    private Uni<Response> complete(RoutingContext rc) {
        requireEnabled();
        return QuarkusHttpUser.getSecurityIdentity(rc, null).flatMap(identity -> {
            JsonWebToken token = idToken(identity);
            if (token == null) {
                // OidcSignInPolicy lets no request without a verified token this far
                return Uni.createFrom().item(page(Response.Status.UNAUTHORIZED, "Not signed in",
                        "The sign-in with " + config.providerName() + " did not complete.", false).build());
            }
            VerifiedClaims claims = new VerifiedClaims(token.getIssuer(), token.getSubject(),
                    text(token.getClaim(config.emailClaim())), flag(token.getClaim("email_verified")),
                    text(token.getClaim("name")));
            return signIn.signIn(claims, clientIp(rc)).map(outcome -> answer(outcome, rc));
        }).onFailure().recoverWithItem(failure -> {
            LOG.errorf(failure, "OpenID Connect sign-in failed");
            return page(Response.Status.SERVICE_UNAVAILABLE, "Sign-in unavailable",
                    "Signing in is unavailable, try again shortly.", false).build();
        }).invoke(() -> dropProviderSession(rc));
    }

    private Response answer(Outcome outcome, RoutingContext rc) {
        // Java 17 has no switch over types; the interface is sealed to these two
        if (outcome instanceof SignedIn signedIn) {
            return page(Response.Status.OK, "Signed in", "Signed in with " + config.providerName() + ".", true)
                    .header(HttpHeaders.SET_COOKIE.toString(),
                            SessionCookie.issue(signedIn.session().token(), ownOrigin.secureCookies(rc.request())))
                    .build();
        }
        String why = switch (((Refused) outcome).reason()) {
            case NO_EMAIL, EMAIL_NOT_VERIFIED -> config.providerName() + " did not give a verified e-mail address,"
                    + " which tuneops needs to know who you are.";
            case NO_ACTIVE_USER -> config.providerName() + " signed you in, but no active tuneops"
                    + " account has your e-mail address. Ask a tuneops administrator to create your account with"
                    + " that address, or to reactivate it.";
        };
        return page(Response.Status.FORBIDDEN, "Sign-in refused", why, false).build();
    }

    private void requireEnabled() {
        if (!config.enabled()) {
            // its own words, not the plain "Not Found": the route exists, the setting is off
            throw new NotFoundException(Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorResponse("OpenID Connect sign-in is not configured")).build());
        }
    }

    /**
     * quarkus-oidc's own session ends here, whatever the outcome: a cookie it set on this answer is
     * not sent, one the browser sent is expired.
     */
    private static void dropProviderSession(RoutingContext rc) {
        List<String> names = rc.request().cookies().stream().map(Cookie::getName)
                .filter(name -> name.startsWith(PROVIDER_SESSION_COOKIE)).distinct().toList();
        names.forEach(name -> rc.response().removeCookie(name));
    }

    private static JsonWebToken idToken(SecurityIdentity identity) {
        return identity != null && !identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken token ? token : null;
    }

    /** A claim's text: smallrye-jwt hands claims out as JSON-P values or as plain Java values. */
    private static String text(Object claim) {
        if (claim instanceof JsonString json) {
            return json.getString();
        }
        return claim instanceof String plain ? plain : null;
    }

    private static Boolean flag(Object claim) {
        if (claim instanceof Boolean plain) {
            return plain;
        }
        if (JsonValue.TRUE.equals(claim) || JsonValue.FALSE.equals(claim)) {
            return JsonValue.TRUE.equals(claim);
        }
        return claim instanceof String plain ? Boolean.valueOf(plain) : null;
    }

    private static Response.ResponseBuilder page(Response.Status status, String title, String message, boolean toConsole) {
        // no claim is echoed, and the provider's name has no markup characters (OidcConfig): nothing needs escaping
        String next = toConsole
                ? "<meta http-equiv=\"refresh\" content=\"0;url=/\">"
                : "";
        String link = toConsole ? "<a href=\"/\">Continue to the console</a>" : "<a href=\"/sign-in\">Back to sign-in</a>";
        String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">" + next + "<title>" + title
                + " · tuneops</title></head>\n<body><h1>" + title + "</h1><p>" + message + "</p><p>" + link
                + "</p></body></html>\n";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(html)
                .header("Content-Security-Policy", PAGE_POLICY);
    }

    private static String clientIp(RoutingContext rc) {
        IPAddress ip = rc.get(GatewayGuard.CLIENT_IP);
        return ip == null ? "unknown" : ip.toCanonicalString();
    }
}
