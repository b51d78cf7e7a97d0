package io.tuneops.metrics.rest;

import io.tuneops.metrics.rest.MetricsConfigResource.ValidationError;
import io.tuneops.metrics.service.ExportConfigRequests;
import io.tuneops.support.http.JsonErrorMappers;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A refused export-configuration request as a 400. Global rather than a method of the resource:
 * a resource class's own mappers are not inherited, and the original implementation's
 * {@code /api/metrics/config} (a subclass) must refuse exactly as {@code /api/cloud/metrics/config}.
 */
public class ExportConfigErrors {

    @ServerExceptionMapper
    public Response invalid(ExportConfigRequests.Invalid e) {
        if (e.errors() == null) {
            return JsonErrorMappers.json(400, e.detail());
        }
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ValidationError(e.detail(), e.errors())).build();
    }
}
