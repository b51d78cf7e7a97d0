package io.tuneops.audit.rest;

import io.tuneops.support.http.ErrorResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

import static jakarta.ws.rs.core.MediaType.APPLICATION_JSON;

/** The event types of the audit schema, with the service that emits each. */
@Path("/api/audit/types")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit")
@SecurityRequirement(name = OpenApiDefinition.BEARER)
@SecurityRequirement(name = OpenApiDefinition.API_KEY)
public class AuditTypesResource {

    /** A type; value and name are the original tool's names for type and description, for its client. */
    public record EventType(String type, String source, String description, String value, String name) {

        EventType(String type, String source, String description) {
            this(type, source, description, type, description);
        }
    }

    /** The types, also as the original's event_types. */
    public record EventTypes(List<EventType> types, List<EventType> event_types) {
    }

    static final List<EventType> TYPES = List.of(
            new EventType("rate_limited", "gateway-service", "a client exceeded a rate limit"),
            new EventType("webhook_rejected", "gateway-service", "a webhook came from outside the provider's allowlist"),
            new EventType("auth.failed", "gateway-service", "a request presented a missing, unknown or expired API key"),
            new EventType("api_key.created", "gateway-service", "an API key was created"),
            new EventType("api_key.revoked", "gateway-service", "an API key was revoked"),
            new EventType("provider.configured", "webhook-service", "a provider's configuration changed"),
            new EventType("job.submitted", "webhook-service", "a training job was submitted"),
            new EventType("job.cancelled", "webhook-service", "a training job was cancelled"),
            new EventType("webhook.ignored", "webhook-service", "a webhook was a duplicate or out of order"),
            new EventType("upload.completed", "storage-service", "a job finished uploading an object"),
            new EventType("config.changed", "metrics-service", "the metrics export configuration changed"));

    @GET
    @Operation(summary = "List the audit event types", description = "Each with the service that emits it.")
    @APIResponse(responseCode = "401", description = "No valid API key",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The API key lacks the admin scope",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public EventTypes types() {
        return new EventTypes(TYPES, TYPES);
    }
}
