package io.tuneops.gateway.security;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Small helpers the gateway's route handlers share. */
public final class RequestContinuation {

    private RequestContinuation() {
    }

    /**
     * Runs a continuation on the request's own Vert.x context: a lookup may complete on another
     * event loop, and the request (body, proxy) must only be touched from its own.
     */
    public static void onContext(Context context, Runnable task) {
        if (context == null || Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /** Ends the request with the documented JSON error shape. */
    public static void respond(RoutingContext rc, int status, String detail) {
        rc.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("detail", detail).toBuffer());
    }
}
