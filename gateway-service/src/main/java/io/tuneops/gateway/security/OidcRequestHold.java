package io.tuneops.gateway.security;

import io.tuneops.gateway.config.OidcConfig;
import io.tuneops.support.http.RequestStage;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Keeps the request of an OpenID Connect sign-in path paused from the last check on, while
 * quarkus-oidc's code flow talks to the provider. Quarkus REST pauses every request it takes, and
 * over HTTP/2 pausing a request that has ended throws ("Request has already been read",
 * quarkus#34393): a GET ends as soon as it is resumed, and the rate limiter resumes it before the
 * code flow's round trips, so without this hold the sign-in failed with 500 for HTTP/2 clients.
 * Quarkus resumes the request when the answer ends. Mounted only when the sign-in is on.
 */
@ApplicationScoped
public class OidcRequestHold {

    private final boolean enabled;

    public OidcRequestHold(OidcConfig config) {
        this.enabled = config.enabled();
    }

    void register(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.route("/api/auth/oidc/*").order(RequestStage.RATE_LIMIT.order() + 1).handler(rc -> {
            if (!rc.request().isEnded()) {
                rc.request().pause();
            }
            rc.next();
        });
    }
}
