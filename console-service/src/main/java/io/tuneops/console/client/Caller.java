package io.tuneops.console.client;

import io.tuneops.console.web.Visitor;
import io.tuneops.support.http.CorrelationIdHandler;
import io.vertx.ext.web.RoutingContext;

/**
 * On whose behalf the console calls an owner: the vouched visitor (passed on as the gateway would,
 * so each owner enforces the visitor's own scopes), the request's correlation id, and, for the
 * gateway's own routes, the browser's session cookie and the visitor's address as the gateway
 * vouched for it (never the browser's own X-Forwarded-For, which the gateway, trusting the
 * console, would otherwise take for the visitor's address).
 */
public record Caller(Visitor visitor, String correlationId, String cookie, String forwardedFor) {

    public static Caller of(RoutingContext rc, Visitor visitor) {
        return new Caller(visitor, rc.request().getHeader(CorrelationIdHandler.HEADER), rc.request().getHeader("Cookie"),
                visitor.clientIp());
    }

    @Override
    public String toString() {
        // the cookie is the session itself: never in a log line
        return "Caller[" + visitor.actor() + "]";
    }
}
