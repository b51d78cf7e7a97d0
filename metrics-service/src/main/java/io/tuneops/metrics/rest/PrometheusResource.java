package io.tuneops.metrics.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.service.ExportConfigService;
import io.tuneops.metrics.service.PrometheusExporter;
import io.tuneops.metrics.service.PrometheusText;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * The guide's scrape endpoint, in the Prometheus text format 0.0.4. Readable without a key unless
 * the operator set a monitoring token (the gateway checks it). Disabled: one comment line.
 */
@Path("/api/cloud/metrics/prometheus")
public class PrometheusResource {

    private final ExportConfigService config;
    private final PrometheusExporter exporter;

    public PrometheusResource(ExportConfigService config, PrometheusExporter exporter) {
        this.config = config;
        this.exporter = exporter;
    }

    @GET
    public Uni<Response> scrape() {
        return config.forScrape().flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(text(503, new PrometheusText()
                        .comment("The export configuration could not be read (PostgreSQL does not answer)").toString()));
            }
            if (!found.get().prometheusEnabled()) {
                return Uni.createFrom().item(text(200, PrometheusExporter.disabled()));
            }
            return exporter.render(found.get().prometheusCategories()).map(body -> text(200, body));
        });
    }

    private static Response text(int status, String body) {
        return Response.status(status).type(PrometheusText.CONTENT_TYPE).entity(body).build();
    }
}
