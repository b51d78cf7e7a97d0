package io.tuneops.gateway.security;

import inet.ipaddr.IPAddress;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.AuthConfig;
import io.tuneops.gateway.net.ClientIpResolver;
import io.tuneops.gateway.repository.Person;
import io.tuneops.gateway.routing.ConsolePolling;
import io.tuneops.gateway.security.SessionAuthenticator.ActiveSession;
import io.tuneops.gateway.session.SessionCookie;
import io.tuneops.gateway.session.SessionTokens;
import io.tuneops.support.config.InternalConfig;
import io.tuneops.support.http.BackingStoreFailures;
import io.tuneops.support.http.CorrelationIdHandler;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.RequestStage;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The gateway's door, run before every route (the proxy's and its own): resolves the client
 * address, strips headers only the gateway may set, applies the route's access rule (API key or
 * console session, and scope), and hands the request on with the caller's identity for the owner.
 * A session is looked up only for a request that presents no key and carries the session cookie,
 * so requests with API keys never wait on it; a session authenticating an unsafe method must come
 * from this origin and, on the API, with its CSRF token.
 */
@ApplicationScoped
public class GatewayGuard {

    public static final String CLIENT_IP = "tuneops.client-ip";
    public static final String IDENTITY = "tuneops.identity";
    /** RoutingContext key, set (true) when the request's Origin is another site's. */
    public static final String CROSS_ORIGIN = "tuneops.cross-origin";
    /** RoutingContext key, set (true) when the request was authenticated by a session cookie rather than a key. */
    public static final String BY_SESSION = "tuneops.by-session";
    /** The header a session-authenticated API request repeats its session's CSRF token in. */
    public static final String CSRF_TOKEN_HEADER = "X-CSRF-Token";
    private static final Logger LOG = Logger.getLogger(GatewayGuard.class);
    private static final String API_KEY_HEADER = "X-API-Key";
    private static final Set<HttpMethod> UNSAFE = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    private final ClientIpResolver clientIps;
    private final AccessPolicy policy;
    private final ApiKeyAuthenticator authenticator;
    private final SessionAuthenticator sessions;
    private final OwnOrigin ownOrigin;
    private final AuthFailureAudit failures;
    private final AuthFailureThrottle throttle;
    private final byte[] monitoringToken;
    private final String internalSecret;

    public GatewayGuard(ClientIpResolver clientIps, AccessPolicy policy, ApiKeyAuthenticator authenticator,
                        SessionAuthenticator sessions, OwnOrigin ownOrigin, AuthFailureAudit failures,
                        AuthFailureThrottle throttle, AuthConfig auth, InternalConfig internal) {
        this.clientIps = clientIps;
        this.policy = policy;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.ownOrigin = ownOrigin;
        this.failures = failures;
        this.throttle = throttle;
        this.monitoringToken = auth.monitoringToken().filter(t -> !t.isBlank())
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.internalSecret = internal.secret().filter(s -> !s.isBlank()).orElseThrow(() ->
                new IllegalStateException("TUNEOPS_INTERNAL_SECRET must be set on the gateway"));
    }

    void register(@Observes Router router) {
        router.route().order(RequestStage.ACCESS.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        GatewayIdentityHandler.stripInternalHeaders(request.headers());
        IPAddress client = clientIps.resolve(request);
        rc.put(CLIENT_IP, client);
        rc.put(CorrelationIdHandler.CLIENT_IP, client.toCanonicalString());
        request.headers().set(GatewayIdentityHandler.CLIENT_IP_HEADER, client.toCanonicalString());

        Access access = policy.accessFor(request.method(), rc.normalizedPath());
        Optional<String> key = presentedKey(request);
        if (isCorsPreflight(request)) {
            // browsers send preflights without credentials; the CORS filter answers them from the origin allowlist
            rc.next();
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null) {
            if (ownOrigin.isOwn(origin, request)) {
                // A same-origin request needs no CORS answer, and Quarkus's CORS filter would judge it
                // by the scheme the gateway was reached with: http behind a proxy that ends TLS, so
                // the console's own form posts would look cross-origin to it.
                request.headers().remove(HttpHeaders.ORIGIN);
            } else {
                rc.put(CROSS_ORIGIN, true);
            }
        }
        if (access == Access.PUBLIC) {
            forward(rc, null);
            return;
        }
        if (access == Access.MONITORING) {
            if (monitoringToken == null) {
                forward(rc, null);
                return;
            }
            if (key.isPresent() && MessageDigest.isEqual(monitoringToken,
                    key.get().getBytes(StandardCharsets.UTF_8))) {
                forward(rc, null);
                return;
            }
        }
        if (key.isEmpty()) {
            String session = request.getHeader(HttpHeaders.COOKIE) == null ? null
                    : SessionCookie.token(request.headers().getAll(HttpHeaders.COOKIE));
            if (session != null) {
                afterLookup(rc, sessions.resolve(session, !ConsolePolling.polls(request.method(), rc.normalizedPath())), "The session check", found -> decideSession(rc, client, access, found));
            } else if (access.identityOptional()) {
                forward(rc, null);
            } else {
                reject(rc, client, 401, "An API key is required (Authorization: Bearer <key> or X-API-Key)", "missing");
            }
            return;
        }
        Scope required = access.scope() == null ? Scope.VIEWER : access.scope();
        ApiKeyAuthenticator.Verdict verdict = authenticator.authenticate(key.get());
        if (verdict.now() != null) { // the common case: decided without waiting on anything
            decide(rc, client, verdict.now(), required);
            return;
        }
        afterLookup(rc, verdict.later(), "The API key check", identity -> decide(rc, client, identity, required));
    }

    /**
     * Goes on with {@code then} on the request's own context once {@code lookup} answers; the body
     * waits. A failed lookup is a 503 whose detail says what failed and names the store in words.
     */
    private static <T> void afterLookup(RoutingContext rc, Uni<T> lookup, String what, Consumer<T> then) {
        HttpServerRequest request = rc.request();
        Context context = Vertx.currentContext();
        request.pause();
        lookup.emitOn(task -> RequestContinuation.onContext(context, task))
                .subscribe().with(result -> {
                    request.resume();
                    then.accept(result);
                }, failure -> {
                    request.resume();
                    String store = BackingStoreFailures.describe(failure);
                    LOG.errorf(failure, "%s failed: %s", what, store);
                    rc.response().putHeader("Retry-After", Integer.toString(BackingStoreFailures.retryAfterSeconds(failure)));
                    RequestContinuation.respond(rc, 503, what + " is unavailable: "
                            + Character.toLowerCase(store.charAt(0)) + store.substring(1) + "; retry shortly");
                });
    }

    private void decideSession(RoutingContext rc, IPAddress client, Access access, Optional<ActiveSession> session) {
        HttpServerRequest request = rc.request();
        if (session.isEmpty()) {
            if (access.identityOptional()) {
                // an ended session's cookie is worth nothing to the console either
                SessionCookie.removeFrom(request.headers());
                forward(rc, null);
            } else {
                reject(rc, client, 401, "Invalid or expired session: sign in again", "session");
            }
            return;
        }
        ActiveSession active = session.get();
        // Another site's request is refused by its Origin; on the API, an unsafe request must also
        // repeat the session's CSRF token in a header (the console checks its own forms' token).
        if (UNSAFE.contains(request.method()) && (Boolean.TRUE.equals(rc.get(CROSS_ORIGIN)) || (access != Access.CONSOLE
                && !SessionTokens.same(active.record().csrfToken(), request.getHeader(CSRF_TOKEN_HEADER))))) {
            reject(rc, client, 403, "CSRF token missing or invalid", "csrf");
            return;
        }
        Scope required = access.scope() == null ? Scope.VIEWER : access.scope();
        if (!active.identity().has(required)) {
            reject(rc, client, 403, "This session lacks the '" + required.id() + "' scope", "scope");
            return;
        }
        if (access == Access.CONSOLE) {
            // The console checks its forms against this token, and keeps the cookie: it calls the
            // gateway's own API-key routes on the browser's behalf with it. Every other owner gets
            // the request without it (ProxyRoutes).
            request.headers().set(GatewayIdentityHandler.CSRF_HEADER, active.record().csrfToken());
        }
        rc.put(BY_SESSION, true);
        forward(rc, active.identity());
    }

    private void decide(RoutingContext rc, IPAddress client, Optional<Identity> identity, Scope required) {
        if (identity.isEmpty()) {
            refuseKey(rc, client);
        } else if (!identity.get().has(required)) {
            reject(rc, client, 403, "This API key lacks the '" + required.id() + "' scope", "scope");
        } else {
            forward(rc, identity.get());
        }
    }

    private void forward(RoutingContext rc, Identity identity) {
        MultiMap headers = rc.request().headers();
        // the owners trust the identity headers below; the key itself is the caller's secret and
        // has no business past the gateway (other credentials, such as SigV4, are the owner's)
        String authorization = headers.get(HttpHeaders.AUTHORIZATION);
        if (authorization != null && isBearer(authorization)) {
            headers.remove(HttpHeaders.AUTHORIZATION);
        }
        headers.remove(API_KEY_HEADER);
        if (identity != null) {
            rc.put(IDENTITY, identity);
            headers.set(GatewayIdentityHandler.ACTOR_HEADER, identity.actor());
            headers.set(GatewayIdentityHandler.SCOPES_HEADER, identity.scopeList());
            Person person = identity.person();
            if (person != null) {
                headers.set(GatewayIdentityHandler.USER_HEADER, person.id());
                headers.set(GatewayIdentityHandler.USERNAME_HEADER, person.username());
                if (person.orgId() != null) {
                    headers.set(GatewayIdentityHandler.ORG_HEADER, person.orgId());
                }
                if (!person.teamIds().isEmpty()) {
                    headers.set(GatewayIdentityHandler.TEAMS_HEADER, String.join(",", person.teamIds()));
                }
            }
        }
        headers.set(GatewayIdentityHandler.SECRET_HEADER, internalSecret);
        rc.next();
    }

    /**
     * A presented key was refused: counted against the client's address, and past its limit of
     * failures answered 429 (see AuthFailureThrottle). Only this failure path waits on Redis.
     */
    private void refuseKey(RoutingContext rc, IPAddress client) {
        String ip = client.toCanonicalString();
        HttpServerRequest request = rc.request();
        Context context = Vertx.currentContext();
        request.pause();
        throttle.failed(ip).emitOn(task -> RequestContinuation.onContext(context, task)).subscribe().with(verdict -> {
            request.resume();
            if (verdict.throttled()) {
                rc.response().putHeader("Retry-After", Long.toString(verdict.retryAfterSeconds()));
                RequestContinuation.respond(rc, 429, "Too many failed authentications from " + ip
                        + "; retry in " + verdict.retryAfterSeconds() + " s");
                failures.throttled(rc, ip, throttle.limit(), throttle.period(), verdict.retryAfterSeconds());
            } else {
                reject(rc, client, 401, "Invalid, expired or revoked API key", "invalid");
            }
        });
    }

    private void reject(RoutingContext rc, IPAddress client, int status, String detail, String reason) {
        if (status == 401) {
            rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"tuneops\"");
        }
        RequestContinuation.respond(rc, status, detail);
        failures.refused(rc, client.toCanonicalString(), status, reason);
    }

    private static boolean isBearer(String authorization) {
        return authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    public static boolean isCorsPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }

    static Optional<String> presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && isBearer(authorization)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        String apiKey = request.getHeader(API_KEY_HEADER);
        return apiKey == null || apiKey.isBlank() ? Optional.empty() : Optional.of(apiKey.trim());
    }

}
