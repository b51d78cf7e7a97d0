package io.tuneops.support.http;

import io.quarkus.vertx.http.runtime.RouteConstants;

/**
 * The request pipeline of the tuneops services, in the order a request meets it. Every stage is a
 * Vert.x route installed at its {@link #order()}, so this list, not numbers spread over the
 * handlers, decides what runs before what. The gateway runs every stage; an owner service runs the
 * ones service-support installs (correlation id, vouched identity, its access table) and its routes.
 * Quarkus's own filters (CORS, HTTP authentication and authorization) run after the last check,
 * {@link #RATE_LIMIT}, and before {@link #ROUTES}.
 */
public enum RequestStage {

    /**
     * First, so that every later stage logs with the request's id, and the request log line
     * written when the response ends has it. service-support's {@code CorrelationIdHandler}.
     */
    CORRELATION_ID(-1000),

    /**
     * Before anything can answer, so that refusals (413, 401, 429) are counted under their
     * endpoint as well, and the per-pod HTTP meters find the route template. Gateway's
     * {@code TrafficCounters}.
     */
    TRAFFIC_COUNTERS(-998),

    /**
     * Before any check can answer, so that every response carries the security headers, and an
     * announced oversized body is refused before anything reads it or looks up a key. Gateway's
     * {@code EdgeHandler}.
     */
    EDGE(-995),

    /**
     * Before anything reads the {@code X-Tuneops-*} identity headers: they are believed with the
     * internal secret and dropped without it. service-support's {@code GatewayIdentityHandler}.
     */
    VOUCHED_IDENTITY(-950),

    /**
     * The route's access rule, after the identity is known: at the gateway the client address
     * and the API key and scope ({@code GatewayGuard}); at an owner its route table on the vouched
     * identity ({@code VouchedAccess}). The stages below rely on the client address it resolves.
     */
    ACCESS(-900),

    /**
     * After the client address is resolved, before the rate limiter: an in-memory check, so a
     * sender outside a provider's allowlist is refused without a Redis round trip. Gateway's
     * {@code WebhookAllowlistHandler}.
     */
    WEBHOOK_ALLOWLIST(-880),

    /**
     * The last check, so that only requests every check above admitted count against a client's
     * limit, and it costs one Redis round trip only for those. Gateway's {@code RateLimitHandler}.
     */
    RATE_LIMIT(-850),

    /**
     * The routes that answer on the Vert.x router (the gateway's proxy to the owners, storage's S3
     * routes): after every check, before Quarkus REST, which answers everything they leave, unknown
     * paths with 404.
     */
    ROUTES(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT);

    private final int order;

    RequestStage(int order) {
        this.order = order;
    }

    /** The Vert.x route order of this stage: lower runs first. */
    public int order() {
        return order;
    }
}
