package io.tuneops.metrics.rest;

import io.tuneops.support.http.VouchedAccess;
import io.tuneops.support.http.VouchedAccess.Rule;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Set;

import static io.tuneops.support.http.VouchedAccess.ANY;
import static io.tuneops.support.http.VouchedAccess.Access.ADMIN;
import static io.tuneops.support.http.VouchedAccess.Access.OPEN;
import static io.tuneops.support.http.VouchedAccess.Access.VIEWER;
import static io.tuneops.support.http.VouchedAccess.READ;

/**
 * Defence in depth behind the gateway: the export configuration answers only requests the gateway
 * vouched for (internal secret) on behalf of a key with enough scope, the gateway's AccessPolicy
 * for these routes, so reaching this service's port directly neither reads nor changes it.
 * The original implementation's {@code /api/metrics/...} paths answer the same under the same rules.
 * Health and the Prometheus export stay open here: the gateway forwards them without an actor
 * (anonymous, or with the monitoring token, which only the gateway checks) and they hold no secrets.
 */
@ApplicationScoped
public class CallerAccess {

    private static final List<Rule> RULES = List.of(
            Rule.of(READ, "/api/(cloud|metrics)/health(/.*)?", OPEN),
            Rule.of(READ, "/api(/cloud)?/metrics/prometheus", OPEN),
            // previews read, even when posted
            Rule.of(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST), "/api(/cloud)?/metrics/config/preview", VIEWER),
            Rule.of(READ, "/api(/cloud)?/metrics/config(/.*)?", VIEWER),
            Rule.of(ANY, "/api(/cloud)?/metrics(/.*)?", ADMIN));

    void register(@Observes Router router) {
        VouchedAccess.install(router, RULES, OPEN);
    }
}
