package io.tuneops.gateway.webhook;

import inet.ipaddr.IPAddress;
import io.micrometer.core.instrument.MeterRegistry;
import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.RequestContinuation;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.http.RequestStage;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Enforces each provider's webhook allowlist on its receiver ({@code POST /api/webhooks/{provider}})
 * with the guide's 403; the event webhooks' management routes beside it are not a provider's.
 */
@ApplicationScoped
public class WebhookAllowlistHandler {

    private static final Logger LOG = Logger.getLogger(WebhookAllowlistHandler.class);
    // a rejected sender retrying every second must not write an audit row per attempt
    private static final Duration COALESCING = Duration.ofSeconds(10);

    /** The details of a {@code webhook_rejected} audit event. */
    record Rejected(String provider, String path, String client_ip) implements AuditDetails {
    }

    private final WebhookAllowlists allowlists;
    private final GatewayAuditTrail audit;
    private final MeterRegistry registry;

    public WebhookAllowlistHandler(WebhookAllowlists allowlists, GatewayAuditTrail audit, MeterRegistry registry) {
        this.allowlists = allowlists;
        this.audit = audit;
        this.registry = registry;
    }

    void register(@Observes Router router) {
        router.routeWithRegex(HttpMethod.POST, ProviderReceivers.ROUTE_REGEX).order(RequestStage.WEBHOOK_ALLOWLIST.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        String provider = rc.pathParam("param0");
        IPAddress client = rc.get(GatewayGuard.CLIENT_IP);
        if (provider == null || allowlists.admits(provider, client)) {
            rc.next();
            return;
        }
        String ip = client.toCanonicalString();
        // bounded label: only providers with a configured allowlist can reject
        registry.counter("tuneops_webhook_allowlist_rejections_total", "provider", provider).increment();
        LOG.infof("webhook for %s from %s rejected: outside the allowlist", provider, ip);
        RequestContinuation.respond(rc, 403, "Webhook source IP " + ip + " is not allowed for provider " + provider);
        audit.appendCoalesced("webhook_rejected:" + provider + ":" + ip, COALESCING,
                        AuditEvent.of("webhook_rejected", "anonymous", ip, "provider", provider, "reject",
                                new Rejected(provider, rc.normalizedPath(), ip)))
                .subscribe().with(v -> { }, e -> { });
    }
}
