package io.tuneops.gateway.webhook;

import inet.ipaddr.IPAddress;
import io.micrometer.core.instrument.MeterRegistry;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.gateway.audit.AuditLog;
import io.tuneops.gateway.security.GatewayGuard;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Enforces each provider's webhook allowlist on /api/webhooks/{provider} with the guide's 403. */
@ApplicationScoped
public class WebhookAllowlistHandler {

    static final int ROUTE_ORDER = -880;
    private static final Logger LOG = Logger.getLogger(WebhookAllowlistHandler.class);
    // a rejected sender retrying every second must not write an audit row per attempt
    private static final Duration COALESCING = Duration.ofSeconds(10);

    private final WebhookAllowlists allowlists;
    private final AuditLog audit;
    private final MeterRegistry registry;

    public WebhookAllowlistHandler(WebhookAllowlists allowlists, AuditLog audit, MeterRegistry registry) {
        this.allowlists = allowlists;
        this.audit = audit;
        this.registry = registry;
    }

    void register(@Observes Router router) {
        router.routeWithRegex("/api/webhooks/([^/]+)(/.*)?").order(ROUTE_ORDER).handler(this::handle);
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
        rc.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("detail", "Webhook source IP " + ip + " is not allowed for provider " + provider)
                        .toBuffer());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("provider", provider);
        details.put("path", rc.normalizedPath());
        details.put("client_ip", ip);
        audit.appendCoalesced("webhook_rejected:" + provider + ":" + ip, COALESCING,
                        AuditEvent.of("webhook_rejected", "anonymous", ip, "provider", provider, "reject", details))
                .subscribe().with(v -> { }, e -> { });
    }
}
