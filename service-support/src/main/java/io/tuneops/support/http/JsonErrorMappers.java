package io.tuneops.support.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns errors into {@code {"detail": "..."}}: client errors keep their status and reason, an
 * unreachable PostgreSQL or Redis becomes a 503 with Retry-After, anything else unexpected a 500
 * whose details stay in the log, never in the response.
 */
public class JsonErrorMappers {

    private static final Logger LOG = Logger.getLogger(JsonErrorMappers.class);

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response original = e.getResponse();
        if (original.hasEntity()) {
            return original;
        }
        int status = original.getStatus();
        if (status >= 500) {
            LOG.errorf(e, "request failed with %d", status);
        } else {
            LOG.debugf("request rejected with %d: %s", status, e.getMessage());
        }
        String reason = status >= 500
                ? "Internal server error"
                : original.getStatusInfo().getReasonPhrase();
        return json(status, reason);
    }

    /** A body that is not JSON, or not the JSON shape the endpoint takes: the caller's mistake. */
    @ServerExceptionMapper
    public Response malformedJson(io.vertx.core.json.DecodeException e) {
        LOG.debugf("malformed JSON body: %s", e.getMessage());
        return json(400, "The request body is not a JSON value of the expected shape");
    }

    @ServerExceptionMapper
    public Response malformedJson(com.fasterxml.jackson.core.JsonProcessingException e) {
        LOG.debugf("malformed JSON body: %s", e.getOriginalMessage());
        return json(400, "The request body is not a JSON value of the expected shape");
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        return failed(e);
    }

    /** Checked exceptions and Redis error replies (which are Throwables) reach here. */
    @ServerExceptionMapper
    public Response anyOtherFailure(Throwable e) {
        return failed(e);
    }

    /**
     * PostgreSQL or Redis unreachable is 503 with Retry-After (nothing was changed, the caller may
     * retry); anything else a 500 whose details stay in the log.
     */
    private static Response failed(Throwable e) {
        if (BackingStoreFailures.isUnavailable(e)) {
            LOG.warnf("request failed, a backing store is unavailable: %s", e.toString());
            return Response.fromResponse(json(503, "A backing store (PostgreSQL or Redis) is unavailable; retry shortly"))
                    .header("Retry-After", "5").build();
        }
        LOG.error("unexpected error while serving a request", e);
        return json(500, "Internal server error");
    }

    public static Response json(int status, String detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorResponse(detail)).build();
    }
}
