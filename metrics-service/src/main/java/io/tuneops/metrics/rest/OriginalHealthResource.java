package io.tuneops.metrics.rest;

import io.tuneops.metrics.service.HealthChecks;
import io.tuneops.metrics.service.ServiceReadiness;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The original implementation's path of the same checks ({@code /api/metrics/health}, its
 * {@code /live} and {@code /ready}), which its CLI ({@code simpletuner metrics health}) and
 * existing scripts call: the same answers as {@code /api/cloud/health}, under the same access rule
 * (the original required a user here but not under /api/cloud; one rule for one capability).
 */
@Path("/api/metrics/health")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Health")
public class OriginalHealthResource extends HealthResource {

    public OriginalHealthResource(ServiceReadiness readiness, HealthChecks checks,
                                  @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        super(readiness, checks, version);
    }
}
