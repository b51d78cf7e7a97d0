package io.tuneops.support.http;

import io.tuneops.support.config.InternalConfig;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Services believe the identity headers the gateway sets (X-Tuneops-Actor, -Scopes, -Client-IP,
 * and -Csrf for the console) only when they come with the internal secret, compared in constant
 * time; otherwise every X-Tuneops-* header is dropped before any code sees it. The secret itself
 * is removed either way.
 */
@ApplicationScoped
public class GatewayIdentityHandler {

    public static final String SECRET_HEADER = "X-Tuneops-Gateway-Secret";
    public static final String ACTOR_HEADER = "X-Tuneops-Actor";
    public static final String SCOPES_HEADER = "X-Tuneops-Scopes";
    public static final String CLIENT_IP_HEADER = "X-Tuneops-Client-IP";
    /** The user a key or session belongs to: their id, username, organisation id and team ids (comma separated). */
    public static final String USER_HEADER = "X-Tuneops-User";
    public static final String USERNAME_HEADER = "X-Tuneops-Username";
    public static final String ORG_HEADER = "X-Tuneops-Org";
    public static final String TEAMS_HEADER = "X-Tuneops-Teams";
    /**
     * The CSRF token of the console session the request came with: console-service compares its
     * forms' tokens with it. Set by the gateway on console pages only; a client's own is dropped
     * with the other X-Tuneops-* headers.
     */
    public static final String CSRF_HEADER = "X-Tuneops-Csrf";
    /** RoutingContext key of the {@link GatewayIdentity}, present when the gateway vouched for the request. */
    public static final String IDENTITY = "tuneops.gateway-identity";
    private static final String PREFIX = "x-tuneops-";

    private final byte[] secret;

    public GatewayIdentityHandler(InternalConfig config) {
        this.secret = config.secret().filter(s -> !s.isBlank()).map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    void register(@Observes Router router) {
        router.route().order(RequestStage.VOUCHED_IDENTITY.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        MultiMap headers = rc.request().headers();
        String presented = headers.get(SECRET_HEADER);
        boolean vouched = secret != null && presented != null
                && MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8));
        if (vouched) {
            headers.remove(SECRET_HEADER);
            rc.put(IDENTITY, new GatewayIdentity(headers.get(ACTOR_HEADER), headers.get(SCOPES_HEADER),
                    headers.get(CLIENT_IP_HEADER), headers.get(USER_HEADER), headers.get(USERNAME_HEADER),
                    headers.get(ORG_HEADER), teams(headers.get(TEAMS_HEADER))));
            if (headers.get(CLIENT_IP_HEADER) != null) {
                rc.put(CorrelationIdHandler.CLIENT_IP, headers.get(CLIENT_IP_HEADER));
            }
        } else {
            stripInternalHeaders(headers);
        }
        rc.next();
    }

    /** Removes every X-Tuneops-* header: only the gateway may set them, and only after removing the client's. */
    public static void stripInternalHeaders(MultiMap headers) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                names.add(h.getKey());
            }
        }
        names.forEach(headers::remove);
    }

    private static List<String> teams(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        return Arrays.stream(header.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /**
     * What the gateway said about a request: actor and scopes are null for anonymous callers; user,
     * username and org are null when the credential belongs to no user (the configured bootstrap key),
     * teams empty when the user is in none.
     */
    public record GatewayIdentity(String actor, String scopes, String clientIp, String user, String username,
                                  String org, List<String> teams) {

        public GatewayIdentity(String actor, String scopes, String clientIp) {
            this(actor, scopes, clientIp, null, null, null, List.of());
        }
    }
}
