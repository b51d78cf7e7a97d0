package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.service.ProviderConfigService;
import io.tuneops.webhook.service.WebhookIngestion;
import io.tuneops.webhook.service.WebhookMeters;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * Webhook receivers. Unauthenticated at the gateway by design (the provider's allowlist is checked
 * there); here the signature decides. PostgreSQL trouble answers 503 so the provider retries.
 */
@Path("/api/webhooks")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    private final WebhookIngestion ingestion;
    private final JobsConfig config;
    private final WebhookMeters meters;

    public WebhookResource(WebhookIngestion ingestion, JobsConfig config, WebhookMeters meters) {
        this.ingestion = ingestion;
        this.config = config;
        this.meters = meters;
    }

    @POST
    @Path("/{provider}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> receive(@PathParam("provider") String provider, @Context HttpHeaders headers, byte[] body,
                                 RoutingContext rc) {
        if (!ProviderConfigService.PROVIDERS.contains(provider)) {
            meters.delivered(provider, "unknown_provider");
            return refuse(provider, 404, "No webhook receiver for this provider");
        }
        if (body == null || body.length == 0) {
            meters.delivered(provider, "invalid");
            return refuse(provider, 400, "Webhook body is empty");
        }
        if (body.length > config.maxWebhookBody()) {
            meters.delivered(provider, "invalid");
            return refuse(provider, 413, "Webhook body larger than " + config.maxWebhookBody() + " bytes");
        }
        GatewayIdentityHandler.GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        String clientIp = identity != null && identity.clientIp() != null ? identity.clientIp()
                : rc.request().remoteAddress() == null ? null : rc.request().remoteAddress().hostAddress();
        return ingestion.ingest(provider, headers.getRequestHeaders(), body, clientIp, rc.normalizedPath())
                .map(outcome -> {
                    meters.delivered(provider, outcome(outcome));
                    if (outcome.status() == 400) {
                        LOG.infof("webhook for %s refused with 400: %s", provider, outcome.body().get("detail"));
                    }
                    return Response.status(outcome.status()).type(MediaType.APPLICATION_JSON_TYPE)
                            .entity(outcome.body()).build();
                })
                .onFailure().recoverWithItem(e -> {
                    meters.delivered(provider, "error");
                    LOG.warnf("webhook for %s not applied, provider will retry: %s", provider, e.toString());
                    return JsonErrorMappers.json(503, "Webhook not recorded; retry later");
                });
    }

    /** The delivery's outcome label: the body's status on a 2xx, else what the status code means. */
    private static String outcome(WebhookIngestion.Outcome outcome) {
        if (outcome.status() == 401) {
            return "rejected_signature";
        }
        if (outcome.status() >= 400 && outcome.status() < 500) {
            return "invalid";
        }
        Object status = outcome.body().get("status");
        return outcome.status() < 300 && status != null && WebhookMeters.OUTCOMES.contains(status.toString())
                ? status.toString() : "error";
    }

    private static Uni<Response> refuse(String provider, int status, String detail) {
        LOG.infof("webhook for %s refused with %d: %s", provider.length() > 64 ? provider.substring(0, 64) : provider,
                status, detail);
        return Uni.createFrom().item(JsonErrorMappers.json(status, detail));
    }
}
