package io.tuneops.gateway.ratelimit;

import inet.ipaddr.IPAddress;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.gateway.audit.AuditLog;
import io.tuneops.gateway.config.ClientIpConfig;
import io.tuneops.gateway.config.RateLimitConfig;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.RequestContinuation;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Applies the matching rule to every request after the guard: one Redis round trip per decision,
 * the X-RateLimit-* and IETF RateLimit headers on every limited response, 429 (or S3's 503
 * SlowDown on storage routes) with Retry-After when over the limit, and the rule's failure mode
 * when Redis is down or slow.
 */
@ApplicationScoped
public class RateLimitHandler {

    static final int ROUTE_ORDER = -850;
    private static final Logger LOG = Logger.getLogger(RateLimitHandler.class);

    private final RateLimitRules rules;
    private final RedisSlidingWindow redisWindow;
    private final LocalSlidingWindow localWindow;
    private final RateLimitKeys keys;
    private final AuditLog audit;
    private final TrafficCounters counters;
    private final RateLimitConfig config;
    private final RateLimitMeters meters;
    private final boolean localhostBypass;

    public RateLimitHandler(RateLimitRules rules, RedisSlidingWindow redisWindow, LocalSlidingWindow localWindow,
                            RateLimitKeys keys, AuditLog audit, TrafficCounters counters, RateLimitConfig config,
                            ClientIpConfig clientIp, RateLimitMeters meters) {
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
        router.route().order(ROUTE_ORDER).handler(this::handle);
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
        RateLimitKeys.Subject subject = keys.subject(matched, request, path, client);
        RateLimitRule rule = subject.rule();
        String key = RedisSlidingWindow.KEY_PREFIX + rule.name() + ":" + subject.id();
        counters.trackClient(subject.id());
        request.pause();
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
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rule", rule.name());
        details.put("limit", rule.calls());
        details.put("period_seconds", rule.period().toSeconds());
        details.put("endpoint", rc.normalizedPath());
        details.put("method", rc.request().method().name());
        String agent = rc.request().getHeader("User-Agent");
        details.put("user_agent", agent == null ? null : agent.substring(0, Math.min(agent.length(), 256)));
        audit.appendCoalesced("rl:" + rule.name() + ":" + subject.id(), rule.period(),
                        AuditEvent.of("rate_limited", subject.actor(), client.toCanonicalString(), "route",
                                rc.request().method().name() + " " + rc.normalizedPath(), "reject", details))
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
