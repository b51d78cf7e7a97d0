package io.tuneops.console.web;

import io.tuneops.support.http.RequestStage;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The headers every answer of the console carries, whoever writes it (a page, an asset, a
 * redirect, an error): a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval', so an
 * injected script or style cannot run even if escaping ever failed, and no caching of pages,
 * which hold the visitor's data (assets set their own caching).
 */
@ApplicationScoped
public class ConsoleHeaders {

    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    void register(@Observes Router router) {
        // at the stage where the gateway sets its own security headers, before anything can answer
        router.route().order(RequestStage.EDGE.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        rc.addHeadersEndHandler(v -> apply(rc.response().headers()));
        rc.next();
    }

    static void apply(MultiMap headers) {
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "same-origin");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        if (!headers.contains(HttpHeaders.CACHE_CONTROL)) {
            headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }
}
