package io.tuneops.gateway.security;

import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.http.CorrelationIdHandler;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Audits refused credentials (a missing, bad or revoked key or session, a failed sign-in, a
 * missing scope or CSRF token) as {@code auth.failed} (401) or {@code auth.forbidden} (403), at
 * most one event per client address, status and minute, so that a flood of attempts does not
 * flood the trail. Never with the credential itself.
 */
@ApplicationScoped
public class AuthFailureAudit {

    private static final Duration COALESCING = Duration.ofMinutes(1);

    /** The details of an {@code auth.failed} or {@code auth.forbidden} audit event. */
    record Refused(int status, String reason, String correlation_id) implements AuditDetails {
    }

    /** The details of an {@code auth.throttled} audit event. */
    record Throttled(int limit, long period_seconds, long retry_after_seconds, String correlation_id) implements AuditDetails {
    }

    private final GatewayAuditTrail audit;

    public AuthFailureAudit(GatewayAuditTrail audit) {
        this.audit = audit;
    }

    /** Best effort, like every coalesced event: the answer to the request does not wait for it. */
    public void refused(RoutingContext rc, String clientIp, int status, String reason) {
        audit.appendCoalesced("auth:" + status + ":" + clientIp, COALESCING,
                        AuditEvent.of(status == 401 ? "auth.failed" : "auth.forbidden", "anonymous", clientIp,
                                "route", rc.request().method().name() + " " + rc.normalizedPath(), "deny",
                                new Refused(status, reason, String.valueOf(rc.response().headers().get(CorrelationIdHandler.HEADER)))))
                .subscribe().with(v -> { }, e -> { });
    }

    /**
     * An address past its limit of failed authentications: one {@code auth.throttled} event per
     * address and throttle period, which counts the refused attempts it stands for.
     */
    public void throttled(RoutingContext rc, String clientIp, int limit, Duration period, long retryAfterSeconds) {
        audit.appendCoalesced("auth-throttled:" + clientIp, period,
                        AuditEvent.of("auth.throttled", "anonymous", clientIp,
                                "route", rc.request().method().name() + " " + rc.normalizedPath(), "deny",
                                new Throttled(limit, period.toSeconds(), retryAfterSeconds,
                                        String.valueOf(rc.response().headers().get(CorrelationIdHandler.HEADER)))))
                .subscribe().with(v -> { }, e -> { });
    }
}
