package io.tuneops.support.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Defence in depth behind the gateway, which owns the access policy: a service's own route table,
 * checked against the identity the gateway vouched for ({@link GatewayIdentityHandler}), so that
 * reaching a service's port directly is not a way around authentication. Each service keeps its
 * table next to its routes; the tables repeat the gateway's AccessPolicy for the routes they own.
 * Scopes nest: admin includes operator includes viewer.
 */
public final class VouchedAccess {

    public static final Set<HttpMethod> READ = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    /** Every method. */
    public static final Set<HttpMethod> ANY = null;

    /** What a route needs. OPEN routes are checked by something else (a signature, the internal secret) or by nothing. */
    public enum Access {
        OPEN, VIEWER, OPERATOR, ADMIN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line of a route table: the methods (null for all) and the whole routed path, as a regular expression. */
    public record Rule(Set<HttpMethod> methods, Pattern path, Access access) {
        public static Rule of(Set<HttpMethod> methods, String pathRegex, Access access) {
            return new Rule(methods, Pattern.compile(pathRegex), access);
        }

        boolean matches(HttpMethod method, String normalizedPath) {
            return (methods == null || methods.contains(method)) && path.matcher(normalizedPath).matches();
        }
    }

    private VouchedAccess() {
    }

    /** Puts the table at the {@link RequestStage#ACCESS} stage, after the vouched identity is known (see {@link #table}). */
    public static void install(Router router, List<Rule> rules, Access otherwise) {
        router.route().order(RequestStage.ACCESS.order()).handler(table(rules, otherwise));
    }

    /**
     * A handler applying the first matching rule, or {@code otherwise} when none matches. Rules are
     * matched on the normalised path, the one the router and Quarkus REST resolve routes on.
     */
    public static Handler<RoutingContext> table(List<Rule> rules, Access otherwise) {
        List<Rule> copy = List.copyOf(rules);
        return rc -> {
            Access access = otherwise;
            String path = routedPath(rc.normalizedPath());
            for (Rule rule : copy) {
                if (rule.matches(rc.request().method(), path)) {
                    access = rule.access();
                    break;
                }
            }
            require(rc, access);
        };
    }

    /**
     * The path as Quarkus REST matches it to a route: without the ";..." parameters of its
     * segments and without a trailing slash, so that the table judges the route that will answer.
     */
    static String routedPath(String normalizedPath) {
        String path = normalizedPath.indexOf(';') < 0 ? normalizedPath : normalizedPath.replaceAll(";[^/]*", "");
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }

    /** Continues the route when the vouched caller has the access, else ends it with 401 or 403. */
    public static void require(RoutingContext rc, Access required) {
        if (required == Access.OPEN) {
            rc.next();
            return;
        }
        GatewayIdentityHandler.GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        if (identity == null || identity.actor() == null) {
            deny(rc, 401, "Authentication required: call through the gateway with an API key");
        } else if (!sufficient(identity.scopes(), required)) {
            deny(rc, 403, "This API key lacks the '" + required.id() + "' scope");
        } else {
            rc.next();
        }
    }

    /** Whether a comma-separated scope list (as the gateway forwards it) includes the required one. */
    public static boolean sufficient(String scopes, Access required) {
        if (required == Access.OPEN) {
            return true;
        }
        if (scopes == null) {
            return false;
        }
        for (String scope : scopes.split(",")) {
            Access held = parse(scope.trim());
            if (held != null && held != Access.OPEN && held.compareTo(required) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static Access parse(String scope) {
        for (Access access : Access.values()) {
            if (access.id().equals(scope)) {
                return access;
            }
        }
        return null;
    }

    private static void deny(RoutingContext rc, int status, String detail) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("detail", detail).encode());
    }
}
