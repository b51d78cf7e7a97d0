package io.tuneops.webhook.rest;

import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.notify.Requester;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** The answers the notification routes share. */
final class NotificationResponses {

    private NotificationResponses() {
    }

    static Requester requester(RoutingContext rc) {
        VouchedCaller caller = VouchedCaller.of(rc);
        return new Requester(caller.actor(), caller.clientIp(), caller.userId(), caller.admin());
    }

    static Response invalid(String detail, List<FieldError> errors) {
        return Response.status(400).entity(new ValidationError(detail, errors)).build();
    }

    static Response bodyRequired() {
        return JsonErrorMappers.json(400, "A JSON object is required");
    }

    static Response notFound(String what, String id) {
        String shown = id == null ? "" : id.length() > 64 ? id.substring(0, 64) + "..." : id;
        return JsonErrorMappers.json(404, what + " '" + shown + "' not found");
    }
}
