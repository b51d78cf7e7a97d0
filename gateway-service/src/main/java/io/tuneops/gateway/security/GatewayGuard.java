package io.tuneops.gateway.security;

import inet.ipaddr.IPAddress;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.gateway.config.AuthConfig;
import io.tuneops.gateway.net.ClientIpResolver;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.config.InternalConfig;
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
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's door, run before every route (the proxy's and its own): resolves the client
 * address, strips headers only the gateway may set, applies the route's access rule (API key and
 * scope), and hands the request on with the caller's identity for the owner.
 */
@ApplicationScoped
public class GatewayGuard {

    public static final String CLIENT_IP = "tuneops.client-ip";
    public static final String IDENTITY = "tuneops.identity";
    private static final Logger LOG = Logger.getLogger(GatewayGuard.class);
    private static final Duration AUTH_FAILURE_COALESCING = Duration.ofMinutes(1);
    private static final String API_KEY_HEADER = "X-API-Key";

    /** The details of an {@code auth.failed} or {@code auth.forbidden} audit event. */
    record Refused(int status, String reason, String correlation_id) implements AuditDetails {
    }

    private final ClientIpResolver clientIps;
    private final AccessPolicy policy;
    private final ApiKeyAuthenticator authenticator;
    private final GatewayAuditTrail audit;
    private final byte[] monitoringToken;
    private final String internalSecret;

    public GatewayGuard(ClientIpResolver clientIps, AccessPolicy policy, ApiKeyAuthenticator authenticator,
                        GatewayAuditTrail audit, AuthConfig auth, InternalConfig internal) {
        this.clientIps = clientIps;
        this.policy = policy;
        this.authenticator = authenticator;
        this.audit = audit;
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
        if (access == Access.PUBLIC || (access == Access.KEY_OPTIONAL && key.isEmpty())) {
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
            reject(rc, client, 401, "An API key is required (Authorization: Bearer <key> or X-API-Key)", "missing");
            return;
        }
        Scope required = access.scope() == null ? Scope.VIEWER : access.scope();
        ApiKeyAuthenticator.Verdict verdict = authenticator.authenticate(key.get());
        if (verdict.now() != null) { // the common case: decided without waiting on anything
            decide(rc, client, verdict.now(), required);
            return;
        }
        Context context = Vertx.currentContext();
        request.pause(); // the body waits for the verdict
        verdict.later()
                .emitOn(task -> RequestContinuation.onContext(context, task))
                .subscribe().with(identity -> {
                    request.resume();
                    decide(rc, client, identity, required);
                }, failure -> {
                    request.resume();
                    LOG.errorf(failure, "API key check failed");
                    RequestContinuation.respond(rc, 503, "Authentication is unavailable, try again shortly");
                });
    }

    private void decide(RoutingContext rc, IPAddress client, Optional<Identity> identity, Scope required) {
        if (identity.isEmpty()) {
            reject(rc, client, 401, "Invalid, expired or revoked API key", "invalid");
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
        }
        headers.set(GatewayIdentityHandler.SECRET_HEADER, internalSecret);
        rc.next();
    }

    private void reject(RoutingContext rc, IPAddress client, int status, String detail, String reason) {
        if (status == 401) {
            rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"tuneops\"");
        }
        RequestContinuation.respond(rc, status, detail);
        String path = rc.normalizedPath();
        audit.appendCoalesced("auth:" + status + ":" + client.toCanonicalString(), AUTH_FAILURE_COALESCING,
                AuditEvent.of(status == 401 ? "auth.failed" : "auth.forbidden", "anonymous", client.toCanonicalString(),
                        "route", rc.request().method().name() + " " + path, "deny",
                        new Refused(status, reason, String.valueOf(rc.response().headers().get(CorrelationIdHandler.HEADER)))))
                .subscribe().with(v -> { }, e -> { });
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
