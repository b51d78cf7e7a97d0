package io.tuneops.metrics.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.service.PrometheusExporter;
import io.tuneops.metrics.service.PrometheusText;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The guide's scrape endpoint, in the Prometheus text format 0.0.4. Readable without a key unless
 * the operator set a monitoring token (the gateway checks it). Disabled: one comment line.
 */
@Path("/api/cloud/metrics/prometheus")
@Tag(name = "Metrics")
public class PrometheusResource {

    private final PrometheusExporter exporter;

    public PrometheusResource(PrometheusExporter exporter) {
        this.exporter = exporter;
    }

    @GET
    @Operation(summary = "Scrape the Prometheus export",
            description = "The enabled categories in the Prometheus text format 0.0.4; one comment line while the "
                    + "export is disabled. Readable without an API key unless the operator sets a monitoring bearer "
                    + "token, which the gateway then requires.")
    @APIResponse(responseCode = "200", description = "The export, or one comment line when it is disabled",
            content = @Content(mediaType = PrometheusText.CONTENT_TYPE, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "503", description = "The export configuration cannot be read (PostgreSQL does not answer)",
            content = @Content(mediaType = PrometheusText.CONTENT_TYPE, schema = @Schema(type = SchemaType.STRING)))
    public Uni<Response> scrape() {
        return exporter.scrape().map(scrape -> Response.status(scrape.configurationRead() ? 200 : 503)
                .type(PrometheusText.CONTENT_TYPE).entity(scrape.text()).build());
    }
}
