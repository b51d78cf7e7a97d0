package io.tuneops.console.web;

import io.tuneops.support.http.RequestStage;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Pages need a signed-in visitor: the gateway vouches one when the request carries a valid session
 * cookie, and forwards the request anonymously otherwise. An anonymous page request is sent to the
 * sign-in page, with the page it asked for as {@code next} (a relative path, so the sign-in cannot
 * be turned into a redirect elsewhere). The sign-in page, the assets and the probes are open.
 */
@ApplicationScoped
public class SignInGate {

    public static final String SIGN_IN = "/sign-in";
    /** htmx sends it with every request it makes (polling, confirmed actions). */
    static final String HTMX_REQUEST = "HX-Request";

    void register(@Observes Router router) {
        router.route().order(RequestStage.ACCESS.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (open(path) || Visitor.of(rc).isPresent()) {
            rc.next();
            return;
        }
        if (rc.request().getHeader(HTMX_REQUEST) != null) {
            // htmx follows HX-Redirect with a full navigation; a 2xx keeps it from reporting an error,
            // which is what an ended session is not
            rc.response().setStatusCode(200).putHeader("HX-Redirect", SIGN_IN).end();
            return;
        }
        HttpMethod method = rc.request().method();
        String location = method == HttpMethod.GET || method == HttpMethod.HEAD ? signInFor(rc.request().uri()) : SIGN_IN;
        rc.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
    }

    static boolean open(String path) {
        return path.equals(SIGN_IN) || path.startsWith("/assets/") || path.startsWith("/q/") || path.equals("/favicon.ico");
    }

    /** The sign-in page, coming back to {@code uri} afterwards when it is a path on this site. */
    static String signInFor(String uri) {
        if (uri == null || uri.equals("/") || !SameSitePath.accepted(uri)) {
            return SIGN_IN;
        }
        return SIGN_IN + "?next=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
    }
}
