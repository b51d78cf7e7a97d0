package io.tuneops.storage.rest;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.UUID;

/**
 * The S3-compatible endpoint, mounted on the Vert.x router so that object bodies can be streamed
 * rather than handed to a resource method whole. Every request must carry a SigV4 signature made
 * with a job's upload credentials; this version issues none yet, so every request is refused the
 * way S3 refuses an unauthenticated one: 403 AccessDenied in S3 XML.
 */
@ApplicationScoped
public class S3Routes {

    void mount(@Observes Router router) {
        router.route("/api/cloud/storage/*").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::accessDenied);
    }

    private void accessDenied(RoutingContext rc) {
        String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                + "<Message>Access Denied</Message><RequestId>" + requestId + "</RequestId></Error>";
        rc.response().setStatusCode(403)
                .putHeader("Content-Type", "application/xml")
                .putHeader("x-amz-request-id", requestId)
                // an unread upload body is not worth draining
                .putHeader("Connection", "close")
                .end(xml);
    }
}
