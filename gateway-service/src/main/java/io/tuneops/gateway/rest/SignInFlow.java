package io.tuneops.gateway.rest;

import inet.ipaddr.IPAddress;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.rest.SessionResource.SignInRequest;
import io.tuneops.gateway.security.AuthFailureAudit;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.OwnOrigin;
import io.tuneops.gateway.service.SessionService;
import io.tuneops.gateway.service.SignInService;
import io.tuneops.gateway.session.SessionCookie;
import io.tuneops.gateway.session.SessionTokens;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.function.Supplier;

/**
 * Signing a browser in and out, shared by the console's session routes and the original's
 * {@code /api/auth/login|logout}: which credential signs in, the cookie, the refusals and their
 * audit events.
 */
@ApplicationScoped
public class SignInFlow {

    static final String CROSS_ORIGIN = "Cross-origin request refused";
    static final String INVALID_PASSWORD = "Invalid username or password";
    private static final String UNAVAILABLE = "Signing in is unavailable, try again shortly";
    private static final Logger LOG = Logger.getLogger(SignInFlow.class);

    private final SessionService sessions;
    private final SignInService passwords;
    private final OwnOrigin ownOrigin;
    private final AuthFailureAudit failures;

    public SignInFlow(SessionService sessions, SignInService passwords, OwnOrigin ownOrigin, AuthFailureAudit failures) {
        this.sessions = sessions;
        this.passwords = passwords;
        this.ownOrigin = ownOrigin;
        this.failures = failures;
    }

    /**
     * Signs in with a username and password when a username is given, else with the API key. A
     * sign-in replaces the browser's previous session, if it still had one.
     */
    Uni<SignInService.Outcome> attempt(SignInRequest request, RoutingContext rc) {
        return sessions.current(cookie(rc))
                .flatMap(previous -> previous.isPresent() ? sessions.signOut(previous.get()) : Uni.createFrom().voidItem())
                .flatMap(ended -> request.username() != null
                        ? passwords.signIn(request.username(), request.password(), clientIp(rc))
                        : sessions.signIn(request.api_key()).map(signedIn -> signedIn
                                .map(s -> SignInService.Outcome.signedIn(s, null))
                                .orElseGet(SignInService.Outcome::refused)))
                .invoke(outcome -> {
                    if (outcome.result() != SignInService.Result.SIGNED_IN) {
                        failures.refused(rc, clientIp(rc), 401, "sign-in");
                    }
                });
    }

    /**
     * Ends the browser's session (an existing one only with its CSRF token) and clears the cookie;
     * {@code done} is the answer, to which the cleared cookie is added.
     */
    Uni<Response> signOut(String csrf, RoutingContext rc, Supplier<Response.ResponseBuilder> done) {
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
            return ended.replaceWith(() -> done.get().header(HttpHeaders.SET_COOKIE.toString(), cleared).build());
        }).onFailure().recoverWithItem(SignInFlow::unavailable);
    }

    /** The Set-Cookie value of a new session. */
    String issue(SessionService.SignedIn signedIn, RoutingContext rc) {
        return SessionCookie.issue(signedIn.token(), ownOrigin.secureCookies(rc.request()));
    }

    /** 429 for a locked username, with when to try again. */
    static Response locked(SignInService.Outcome locked) {
        return Response.fromResponse(JsonErrorMappers.json(429, "Too many failed sign-ins for this username; try again in "
                        + locked.retryAfterSeconds() + " s"))
                .header("Retry-After", Long.toString(locked.retryAfterSeconds())).build();
    }

    static Response unavailable(Throwable failure) {
        LOG.errorf(failure, "session store or key lookup failed");
        return JsonErrorMappers.json(503, UNAVAILABLE);
    }

    static boolean crossOrigin(RoutingContext rc) {
        return Boolean.TRUE.equals(rc.get(GatewayGuard.CROSS_ORIGIN));
    }

    static String cookie(RoutingContext rc) {
        List<String> headers = rc.request().headers().getAll(HttpHeaders.COOKIE);
        return headers.isEmpty() ? null : SessionCookie.token(headers);
    }

    static String clientIp(RoutingContext rc) {
        IPAddress ip = rc.get(GatewayGuard.CLIENT_IP);
        return ip == null ? "unknown" : ip.toCanonicalString();
    }
}
