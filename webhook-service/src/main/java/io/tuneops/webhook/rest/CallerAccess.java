package io.tuneops.webhook.rest;

import io.tuneops.support.http.GatewayIdentityHandler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Set;

/**
 * Defence in depth behind the gateway, which owns the access policy: configuration and job routes
 * answer only requests the gateway vouched for (internal secret) on behalf of a key with enough
 * scope, so reaching this service's port directly is not a way around authentication. Scopes
 * nest: admin includes operator includes viewer.
 */
@ApplicationScoped
public class CallerAccess {

    private static final List<String> ORDER = List.of("viewer", "operator", "admin");
    private static final Set<HttpMethod> READ = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    void register(@Observes Router router) {
        router.route("/api/cloud/providers*").order(-900).handler(rc -> check(rc, READ.contains(rc.request().method()) ? "viewer" : "admin"));
        router.route("/api/cloud/jobs*").order(-900).handler(rc -> check(rc, READ.contains(rc.request().method()) ? "viewer" : "operator"));
    }

    private static void check(RoutingContext rc, String required) {
        GatewayIdentityHandler.GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        if (identity == null || identity.actor() == null) {
            deny(rc, 401, "Authentication required: call through the gateway with an API key");
        } else if (!sufficient(identity.scopes(), required)) {
            deny(rc, 403, "This API key lacks the '" + required + "' scope");
        } else {
            rc.next();
        }
    }

    static boolean sufficient(String scopes, String required) {
        if (scopes == null) {
            return false;
        }
        int needed = ORDER.indexOf(required);
        for (String scope : scopes.split(",")) {
            if (ORDER.indexOf(scope.trim()) >= needed) {
                return true;
            }
        }
        return false;
    }

    private static void deny(RoutingContext rc, int status, String detail) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("detail", detail).encode());
    }
}
