package io.tuneops.gateway.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeoutException;

/**
 * When an owner cannot be reached or does not answer in time, the client gets the documented JSON
 * error shape at once: 502 for a refused or broken connection, 504 for a timeout. (Vert.x
 * http-proxy alone answers an empty 502 and waits as long as the owner does.)
 */
final class UpstreamErrorInterceptor implements ProxyInterceptor {

    private static final Logger LOG = Logger.getLogger(UpstreamErrorInterceptor.class);

    private final Owner owner;

    UpstreamErrorInterceptor(Owner owner) {
        this.owner = owner;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        return context.sendRequest().recover(failure -> Future.succeededFuture(errorResponse(context, failure)));
    }

    private ProxyResponse errorResponse(ProxyContext context, Throwable failure) {
        boolean timedOut = isTimeout(failure);
        int status = timedOut ? 504 : 502;
        String detail = owner.serviceName() + (timedOut ? " did not answer in time" : " is unavailable");
        if (context.request().proxiedRequest().response().closed()) {
            // the client hung up and its origin exchange was dropped (ProxyRoutes): not the owner's fault
            LOG.debugf("%s %s: the client went away before its answer (%s)", context.request().getMethod(),
                    context.request().proxiedRequest().path(), failure.toString());
        } else {
            LOG.warnf("%s %s -> %d: %s (%s)", context.request().getMethod(), context.request().proxiedRequest().path(),
                    status, detail, failure.toString());
        }
        Buffer json = new JsonObject().put("detail", detail).toBuffer();
        return context.request().release().response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                // the rest of an unread upload is not worth draining
                .putHeader(HttpHeaders.CONNECTION, "close")
                .setBody(Body.body(json));
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
