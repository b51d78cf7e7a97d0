package io.tuneops.gateway.security;

import io.tuneops.gateway.config.EdgeConfig;
import io.tuneops.support.http.RequestStage;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on every response and body-size limits per kind of route. Storage routes
 * stream objects of any size (storage-service enforces S3's limits); webhooks and the JSON APIs
 * are small, so a body announced larger than their limit is refused before it is read, and a
 * chunked one is cut off when it passes the limit ({@link #MAX_BODY} tells the proxy).
 */
@ApplicationScoped
public class EdgeHandler {

    /** RoutingContext key: the most body bytes this request may send on (absent: no limit). */
    public static final String MAX_BODY = "tuneops.max-body";

    private final long maxApiBody;
    private final long maxWebhookBody;
    private final String hsts;

    public EdgeHandler(EdgeConfig config) {
        this.maxApiBody = config.maxApiBody().asLongValue();
        this.maxWebhookBody = config.maxWebhookBody().asLongValue();
        this.hsts = "max-age=" + config.hstsMaxAgeSeconds() + "; includeSubDomains";
    }

    void register(@Observes Router router) {
        router.route().order(RequestStage.EDGE.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        boolean tls = request.isSSL();
        rc.addHeadersEndHandler(v -> {
            MultiMap headers = rc.response().headers();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("X-Frame-Options", "DENY");
            // an owner's own policy stands: the console's same-origin makes browsers send its Origin
            // on its form posts (no-referrer sends "null"), which the session's origin check needs
            if (!headers.contains("Referrer-Policy")) {
                headers.set("Referrer-Policy", "no-referrer");
            }
            if (!headers.contains("Content-Security-Policy")) {
                headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox");
            }
            headers.set("Cache-Control", headers.contains("Cache-Control") ? headers.get("Cache-Control") : "no-store");
            if (tls) {
                headers.set("Strict-Transport-Security", hsts);
            }
        });
        String path = rc.normalizedPath();
        long limit = path.startsWith("/api/cloud/storage") ? -1
                : path.startsWith("/api/webhooks/") ? maxWebhookBody : maxApiBody;
        if (limit >= 0) {
            String length = request.getHeader("Content-Length");
            if (length != null) {
                long announced = parseLength(length);
                if (announced < 0) {
                    rc.response().putHeader("Connection", "close");
                    RequestContinuation.respond(rc, 400, "Invalid Content-Length");
                    return;
                }
                if (announced > limit) {
                    rc.response().putHeader("Connection", "close");
                    RequestContinuation.respond(rc, 413, "Request body larger than " + limit + " bytes");
                    return;
                }
            }
            rc.put(MAX_BODY, limit);
        }
        rc.next();
    }

    /** The announced length, or -1 when it is not a non-negative number. */
    private static long parseLength(String contentLength) {
        try {
            long value = Long.parseLong(contentLength.trim());
            return value < 0 ? -1 : value;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
