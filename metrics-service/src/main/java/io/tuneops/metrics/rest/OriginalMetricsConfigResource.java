package io.tuneops.metrics.rest;

import io.tuneops.metrics.service.ExportConfigService;
import io.tuneops.metrics.service.PrometheusExporter;
import io.tuneops.support.http.ErrorResponse;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import static jakarta.ws.rs.core.MediaType.APPLICATION_JSON;

/**
 * The original implementation mounted its export configuration at {@code /api/metrics/config} as
 * well as {@code /api/cloud/metrics/config}; the same configuration, answers and access rule (viewer
 * reads and previews, admin changes) as the latter, where the original had no access rule at all.
 */
@Path("/api/metrics/config")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Metrics")
@SecurityRequirement(name = OpenApiDefinition.BEARER)
@SecurityRequirement(name = OpenApiDefinition.API_KEY)
@APIResponse(responseCode = "401", description = "No valid API key",
        content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "403", description = "The API key lacks the scope (viewer reads and previews, admin changes)",
        content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
public class OriginalMetricsConfigResource extends MetricsConfigResource {

    public OriginalMetricsConfigResource(ExportConfigService service, PrometheusExporter exporter) {
        super(service, exporter);
    }
}
