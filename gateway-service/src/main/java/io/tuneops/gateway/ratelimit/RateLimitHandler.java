package io.tuneops.gateway.ratelimit;

import inet.ipaddr.IPAddress;
import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.gateway.config.ClientIpConfig;
import io.tuneops.gateway.config.RateLimitConfig;
import io.tuneops.gateway.metrics.TrafficCounters;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.RequestContinuation;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.http.RequestStage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * Applies the matching rule to every request after the guard: one Redis round trip per decision,
 * the X-RateLimit-* and IETF RateLimit headers on every limited response, 429 (or S3's 503
 * SlowDown on storage routes) with Retry-After when over the limit, and the rule's failure mode
 * when Redis is down or slow.
 */
@ApplicationScoped
public class RateLimitHandler {

    private static final Logger LOG = Logger.getLogger(RateLimitHandler.class);
    private static final int MAX_USER_AGENT = 256;

    /** The details of a {@code rate_limited} audit event. */
    record Limited(String rule, int limit, long period_seconds, String endpoint, String method, String user_agent)
            implements AuditDetails {
    }

    private final RateLimitRules rules;
    private final RedisSlidingWindow redisWindow;
    private final LocalSlidingWindow localWindow;
    private final RateLimitKeys keys;
    private final GatewayAuditTrail audit;
    private final TrafficCounters counters;
    private final RateLimitConfig config;
    private final RateLimitMeters meters;
    private final boolean localhostBypass;
    private final KnownCredentials credentials;

    public RateLimitHandler(RateLimitRules rules, RedisSlidingWindow redisWindow, LocalSlidingWindow localWindow,
                            RateLimitKeys keys, GatewayAuditTrail audit, TrafficCounters counters, RateLimitConfig config,
                            ClientIpConfig clientIp, RateLimitMeters meters, KnownCredentials credentials) {
        this.credentials = credentials;
        this.rules = rules;
        this.redisWindow = redisWindow;
        this.localWindow = localWindow;
        this.keys = keys;
        this.audit = audit;
        this.counters = counters;
        this.config = config;
        this.meters = meters;
        this.localhostBypass = clientIp.localhostBypass();
    }

    void register(@Observes Router router) {
        router.route().order(RequestStage.RATE_LIMIT.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        IPAddress client = rc.get(GatewayGuard.CLIENT_IP);
        String path = rc.normalizedPath();
        RateLimitRule matched = rules.match(request.method(), path);
        if (matched == null || (localhostBypass && client.isLoopback()) || GatewayGuard.isCorsPreflight(request)) {
            rc.next();
            return;
        }
        RateLimitKeys.Subject asked = keys.subject(matched, request, path, client);
        request.pause();
        if (asked.credential() == null) {
            decide(rc, asked, client);
            return;
        }
        // a key id counts per credential only when it is one tuneops issued
        Boolean remembered = credentials.remembered(asked.credential());
        if (remembered != null) {
            decide(rc, remembered ? asked : keys.anonymous(matched, client), client);
            return;
        }
        Context context = Vertx.currentContext();
        credentials.known(asked.credential())
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .subscribe().with(known -> decide(rc, known ? asked : keys.anonymous(matched, client), client));
    }

    private void decide(RoutingContext rc, RateLimitKeys.Subject subject, IPAddress client) {
        HttpServerRequest request = rc.request();
        RateLimitRule rule = subject.rule();
        String key = RedisSlidingWindow.KEY_PREFIX + rule.name() + ":" + subject.id();
        counters.trackClient(subject.id());
        // completes on this request's context (see ScriptBatcher)
        redisWindow.decide(key, rule.calls(), rule.period()).onComplete(answer -> {
            Decision decision;
            if (answer.succeeded()) {
                meters.redisAnswered();
                decision = answer.result();
            } else {
                decision = fallback(rule, key, answer.cause());
            }
            request.resume();
            apply(rc, rule, subject, client, decision);
        });
    }

    private Decision fallback(RateLimitRule rule, String key, Throwable failure) {
        LOG.debugf("Redis rate limit unavailable (%s), rule %s falls back to %s", failure, rule.name(), rule.onRedisFailure());
        meters.decidedWithoutRedis(rule.onRedisFailure());
        return switch (rule.onRedisFailure()) {
            case LOCAL -> localWindow.decide(key, Math.max(1, (rule.calls() + config.replicas() - 1) / config.replicas()),
                    rule.period());
            case OPEN -> new Decision(true, rule.calls(), rule.calls(), 0, 0, false);
            case CLOSED -> null;
        };
    }

    private void apply(RoutingContext rc, RateLimitRule rule, RateLimitKeys.Subject subject, IPAddress client,
                       Decision decision) {
        HttpServerResponse response = rc.response();
        boolean storage = RateLimitRules.STORAGE.equals(rule.name()) || rule.name().startsWith(RateLimitRules.STORAGE + "-");
        if (decision == null) { // closed mode, Redis unavailable
            response.putHeader("Retry-After", "1");
            if (storage) {
                S3Errors.slowDown(rc, 1, "Rate limiting is unavailable; retry shortly");
            } else {
                RequestContinuation.respond(rc, 503, "Rate limiting is unavailable, try again shortly");
            }
            return;
        }
        if (decision.enforced()) {
            String policy = "\"" + rule.name() + "\";q=" + rule.calls() + ";w=" + rule.period().toSeconds();
            response.putHeader("X-RateLimit-Limit", Integer.toString(decision.limit()))
                    .putHeader("X-RateLimit-Remaining", Integer.toString(decision.remaining()))
                    .putHeader("X-RateLimit-Reset", Long.toString((decision.resetEpochMillis() + 999) / 1000))
                    .putHeader("RateLimit-Policy", policy)
                    .putHeader("RateLimit", "\"" + rule.name() + "\";r=" + decision.remaining() + ";t=" + decision.secondsToReset());
        }
        if (decision.allowed()) {
            rc.next();
            return;
        }
        long retryAfter = decision.retryAfterSeconds();
        response.putHeader("Retry-After", Long.toString(retryAfter));
        counters.violation();
        if (storage) {
            S3Errors.slowDown(rc, retryAfter, "Please reduce your request rate.");
        } else {
            RequestContinuation.respond(rc, 429, "Rate limit exceeded. Please try again later.");
        }
        String method = rc.request().method().name();
        String agent = rc.request().getHeader("User-Agent");
        Limited details = new Limited(rule.name(), rule.calls(), rule.period().toSeconds(), rc.normalizedPath(), method,
                agent == null ? null : agent.substring(0, Math.min(agent.length(), MAX_USER_AGENT)));
        audit.appendCoalesced("rl:" + rule.name() + ":" + subject.id(), rule.period(),
                        AuditEvent.of("rate_limited", subject.actor(), client.toCanonicalString(), "route",
                                method + " " + rc.normalizedPath(), "reject", details))
                .subscribe().with(v -> { }, e -> { });
    }


    /** S3 clients understand SlowDown: they back off and retry instead of failing the upload. */
    static final class S3Errors {
        private S3Errors() {
        }

        static void slowDown(RoutingContext rc, long retryAfter, String message) {
            String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
            rc.response().setStatusCode(503)
                    .putHeader("Content-Type", "application/xml")
                    .putHeader("Retry-After", Long.toString(retryAfter))
                    .putHeader("x-amz-request-id", requestId)
                    .putHeader("Connection", "close")
                    .end("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>" + message
                            + "</Message><RequestId>" + requestId + "</RequestId></Error>");
        }
    }
}
