package io.tuneops.support.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.DecodeException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;

/**
 * Turns errors into {@code {"detail": "..."}}: client errors keep their status and reason, an
 * unreachable backing service becomes a 503 with Retry-After, anything else unexpected a 500
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
    public Response malformedJson(DecodeException e) {
        LOG.debugf("malformed JSON body: %s", e.getMessage());
        return json(400, "The request body is not a JSON value of the expected shape");
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        LOG.debugf("malformed JSON body: %s", e.getOriginalMessage());
        return json(400, "The request body is not a JSON value of the expected shape");
    }

    /**
     * Everything no more specific mapper took, runtime or checked (Redis error replies are bare
     * Throwables): a backing service unreachable is 503 with Retry-After (the caller may retry);
     * anything else a 500 whose details stay in the log.
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (BackingStoreFailures.isUnavailable(e)) {
            LOG.warnf("request failed, a backing service is unavailable: %s", e.toString());
            return unavailable("", e);
        }
        if (e instanceof IOException) {  // mostly the client closing its connection: nobody to answer
            LOG.debugf("request failed with an I/O error: %s", e.toString());
            return json(500, "Internal server error");
        }
        LOG.error("unexpected error while serving a request", e);
        return json(500, "Internal server error");
    }

    /**
     * 503 with Retry-After for a change or read that failed: {@code what} and then the failing
     * dependency in words, e.g. "Configuration not changed: the database (PostgreSQL) is not
     * answering (...); retry shortly".
     */
    public static Response unavailable(String what, Throwable e) {
        String words = what.isEmpty() ? BackingStoreFailures.describe(e) : what + BackingStoreFailures.phrase(e);
        return Response.fromResponse(json(503, words + "; retry shortly"))
                .header("Retry-After", Integer.toString(BackingStoreFailures.retryAfterSeconds(e))).build();
    }

    public static Response json(int status, String detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorResponse(detail)).build();
    }
}
