package io.tuneops.webhook.rest;

import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.GatewayIdentityHandler.GatewayIdentity;
import io.vertx.ext.web.RoutingContext;

/** Who a request is from, as the gateway vouched for it; audit events name them. */
record Caller(String actor, String clientIp) {

    static Caller of(RoutingContext rc) {
        GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        return new Caller(identity == null || identity.actor() == null ? "unknown" : identity.actor(),
                identity == null ? null : identity.clientIp());
    }
}
