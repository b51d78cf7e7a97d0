package io.tuneops.webhook.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.client.ProviderCallException;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.service.DeliveryOutcome;
import io.tuneops.webhook.service.JobStatus;
import io.tuneops.webhook.service.Provider;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.util.Optional;

/**
 * Webhook receivers. Unauthenticated at the gateway by design (the provider's allowlist is checked
 * there); here the signature decides. PostgreSQL trouble answers 503 so the provider retries.
 */
@Path("/api/webhooks")
@Tag(name = "Webhooks")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    /** The answer to an accepted delivery; {@code job_id} and {@code job_status} when it concerned a known job. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliveryAnswer(
            @Schema(description = "applied, stale, duplicate or ignored") String status, String job_id, JobStatus job_status) {
    }

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
    @Operation(summary = "Receive a provider's status report", description = "A job snapshot in Replicate's shape "
            + "({id, status, logs, output, error, metrics, started_at, completed_at}), signed the Standard Webhooks way "
            + "(webhook-id, webhook-timestamp, webhook-signature headers). No API key: the signature authenticates it, "
            + "and the gateway may restrict the sender's addresses (webhook_allowed_ips). Any 2xx means recorded: "
            + "the provider stops retrying.")
    @RequestBody(description = "The snapshot, verified over its exact bytes as they stream in; only the tail of its "
            + "logs is kept",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "200", description = "Applied, stale (older than the job's state) or a duplicate",
            content = @Content(schema = @Schema(implementation = DeliveryAnswer.class)))
    @APIResponse(responseCode = "202", description = "Recorded, but for a job tuneops does not know",
            content = @Content(schema = @Schema(implementation = DeliveryAnswer.class)))
    @APIResponse(responseCode = "400", description = "Empty, not a JSON object, or not a valid snapshot (the detail "
            + "names the field, e.g. a number without a finite value); permanent: the provider stops retrying",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Signature missing, wrong or outside the 5-minute window",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such provider",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Body larger than tuneops.jobs.max-webhook-body (64 MiB by default), "
            + "or more than tuneops.jobs.max-webhook-fields (1 MiB) besides the head of its logs",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not recorded; the provider retries",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @Blocking  // the body is an InputStream read as it arrives, so that a delivery of tens of MB is never held whole
    public Uni<Response> receive(@Parameter(description = "replicate or generic") @PathParam("provider") String provider,
                                 @Context HttpHeaders headers, InputStream body, @Context RoutingContext rc) {
        Optional<Provider> known = Provider.fromWire(provider);
        if (known.isEmpty()) {
            meters.delivered(provider, DeliveryOutcome.UNKNOWN_PROVIDER);
            return refuse(provider, 404, "No webhook receiver for this provider");
        }
        long max = config.maxWebhookBody().asLongValue();
        if (headers.getLength() > max) {
            meters.delivered(provider, DeliveryOutcome.INVALID);
            return refuse(provider, 413, "Webhook body larger than " + max + " bytes");
        }
        GatewayIdentityHandler.GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        String clientIp = identity != null && identity.clientIp() != null ? identity.clientIp()
                : rc.request().remoteAddress() == null ? null : rc.request().remoteAddress().hostAddress();
        return ingestion.open(known.get(), headers.getRequestHeaders(), clientIp, rc.normalizedPath())
                // the stream is read with blocking calls: never on the event loop the settings arrive on
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(intake -> ingestion.receive(intake, body))
                .map(outcome -> {
                    meters.delivered(provider, outcome.result());
                    if (outcome.result() == DeliveryOutcome.INVALID) {
                        LOG.infof("webhook for %s refused with %d: %s", provider, outcome.httpStatus(), outcome.detail());
                    }
                    Response.ResponseBuilder answer = Response.status(outcome.httpStatus()).type(MediaType.APPLICATION_JSON_TYPE)
                            .entity(answer(outcome));
                    // the rest of an oversized body is not read: the connection cannot carry another request
                    return outcome.httpStatus() == 413 ? answer.header("Connection", "close").build() : answer.build();
                })
                .onFailure().recoverWithItem(e -> {
                    meters.delivered(provider, DeliveryOutcome.ERROR);
                    LOG.warnf("webhook for %s not applied, provider will retry: %s", provider, e.toString());
                    if (e instanceof ProviderCallException call) {
                        // Replicate's signing secret could not be fetched to verify the delivery
                        return Response.fromResponse(JsonErrorMappers.json(503, "Webhook not recorded: the signing secret "
                                + "could not be fetched (" + call.getMessage() + "); retry shortly")).header("Retry-After", "5").build();
                    }
                    return JsonErrorMappers.unavailable("Webhook not recorded: ", e);
                });
    }

    /** A refusal in the {"detail": ...} shape; an accepted delivery says what became of it. */
    private static Object answer(WebhookIngestion.Outcome outcome) {
        return outcome.detail() != null ? new ErrorResponse(outcome.detail())
                : new DeliveryAnswer(outcome.result().label(), outcome.jobId(), outcome.jobStatus());
    }

    private static Uni<Response> refuse(String provider, int status, String detail) {
        LOG.infof("webhook for %s refused with %d: %s", provider.length() > 64 ? provider.substring(0, 64) : provider,
                status, detail);
        return Uni.createFrom().item(JsonErrorMappers.json(status, detail));
    }
}
