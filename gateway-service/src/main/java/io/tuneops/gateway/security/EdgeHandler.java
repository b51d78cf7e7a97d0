package io.tuneops.gateway.security;

import io.tuneops.gateway.config.EdgeConfig;
import io.tuneops.gateway.webhook.ProviderReceivers;
import io.tuneops.support.http.RequestStage;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;

/**
 * Security headers on every response, ambiguous framing refused (see {@link #ambiguousFraming}),
 * and body-size limits per kind of route. Storage routes stream objects of any size
 * (storage-service enforces S3's limits); a provider's webhook delivery to its receiver may be large
 * (it carries a long training's whole log) and is streamed to webhook-service, never held whole; the
 * JSON APIs, the event webhooks' management routes among them, are small. A body announced larger than its route's limit is refused before it is read, and a
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
        String framing = ambiguousFraming(request);
        if (framing != null) {
            // what follows on this connection cannot be told apart from this request's body
            refuseAndClose(rc, 400, framing);
            return;
        }
        String path = rc.normalizedPath();
        if (!storage(path) && (holdsSemicolon(request.path()) || holdsSemicolon(path))) {
            // Quarkus REST drops ";..." from each segment before it matches a route, so such a path
            // would be checked here as one route and served as another (POST /api/webhooks/;x is an
            // open provider receiver here and the admin's event-webhook creation there). Object keys
            // may hold ';' (storage-service matches paths as they are).
            RequestContinuation.respond(rc, 400, "Path parameters (';') are not accepted");
            return;
        }
        if (!storage(path) && (holdsControl(request.path()) || holdsControl(request.query()))) {
            // no route takes a control character in an id or a filter, and PostgreSQL refuses NUL in
            // text: without this, each owner would have to tell it from a failure of its own
            RequestContinuation.respond(rc, 400, "Control characters (%00-%1F, %7F) are not accepted in the path or query");
            return;
        }
        long limit = path.startsWith("/api/cloud/storage") ? -1
                : ProviderReceivers.provider(request.method(), path) != null ? maxWebhookBody : maxApiBody;
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

    /** A ';' as sent or percent-encoded (an owner may decode the path before it drops parameters). */
    private static boolean holdsSemicolon(String path) {
        return path.indexOf(';') >= 0 || path.contains("%3B") || path.contains("%3b");
    }

    /** A percent-encoded C0 control character or DEL (raw ones never get past the HTTP parser). */
    static boolean holdsControl(String text) {
        if (text == null) {
            return false;
        }
        for (int i = text.indexOf('%'); i >= 0 && i + 2 < text.length(); i = text.indexOf('%', i + 1)) {
            char high = text.charAt(i + 1);
            char low = text.charAt(i + 2);
            if ((high == '0' || high == '1') && Character.digit(low, 16) >= 0 || high == '7' && (low == 'F' || low == 'f')) {
                return true;
            }
        }
        return false;
    }

    private static boolean storage(String path) {
        return path.equals("/api/cloud/storage") || path.startsWith("/api/cloud/storage/");
    }

    /**
     * Why the request's framing is ambiguous (RFC 9112 sections 3.2 and 6.3), or null when it is not:
     * a proxy in front of the gateway and the gateway could each read a different request out of
     * the same bytes. Netty already refuses conflicting Content-Length values and, for HTTP/1.1,
     * Content-Length with chunked framing ({@link RequestFraming}); what it lets through is checked
     * here. Two header lines are counted without building a list: this runs on every request.
     */
    static String ambiguousFraming(HttpServerRequest request) {
        MultiMap headers = request.headers();
        if (request.version() == HttpVersion.HTTP_2) {
            return null;
        }
        int hosts = 0;
        int lengths = 0;
        String transferEncoding = null;
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey();
            if (name.equalsIgnoreCase("Host")) {
                hosts++;
            } else if (name.equalsIgnoreCase("Content-Length")) {
                lengths++;
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                transferEncoding = transferEncoding == null ? header.getValue() : transferEncoding + "," + header.getValue();
            }
        }
        if (hosts > 1) {
            return "Ambiguous request: more than one Host header";
        }
        if (lengths > 1) {
            return "Ambiguous request: more than one Content-Length header";
        }
        if (transferEncoding != null) {
            if (lengths > 0) {
                return "Ambiguous request: Content-Length and Transfer-Encoding together";
            }
            String[] codings = transferEncoding.split(",");
            if (!codings[codings.length - 1].trim().equalsIgnoreCase("chunked")) {
                return "Ambiguous request: a Transfer-Encoding must end with chunked";
            }
        }
        return null;
    }

    /**
     * Answers and closes the HTTP/1.x connection once the answer is out: Vert.x keeps a connection
     * open after an answer with {@code Connection: close} until the request's body has arrived, and
     * the bytes that follow an ambiguous request must not be read as anything.
     */
    private static void refuseAndClose(RoutingContext rc, int status, String detail) {
        rc.response().putHeader("Connection", "close");
        if (rc.request().version() != HttpVersion.HTTP_2) {
            rc.addEndHandler(done -> rc.request().connection().close());
        }
        RequestContinuation.respond(rc, status, detail);
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
