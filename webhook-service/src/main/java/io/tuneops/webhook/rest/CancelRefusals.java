package io.tuneops.webhook.rest;

import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.CancelRefused;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A cancel the caller may not make: 403 with its reason, in the {@code {"detail": ...}} shape. */
public class CancelRefusals {

    @ServerExceptionMapper
    public Response refused(CancelRefused e) {
        return JsonErrorMappers.json(403, e.getMessage());
    }
}
