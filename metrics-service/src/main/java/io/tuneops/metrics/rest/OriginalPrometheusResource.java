package io.tuneops.metrics.rest;

import io.tuneops.metrics.service.PrometheusExporter;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The original implementation's scrape path ({@code /api/metrics/prometheus}, which its own
 * configuration answer named as the endpoint, so existing scrape configs use it): the same export
 * as {@code /api/cloud/metrics/prometheus}, under the same access rule.
 */
@Path("/api/metrics/prometheus")
@Tag(name = "Metrics")
public class OriginalPrometheusResource extends PrometheusResource {

    public OriginalPrometheusResource(PrometheusExporter exporter) {
        super(exporter);
    }
}
