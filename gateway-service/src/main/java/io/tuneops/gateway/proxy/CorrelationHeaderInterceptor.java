package io.tuneops.gateway.proxy;

import io.tuneops.support.http.CorrelationIdHandler;
import io.vertx.core.Future;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;

/**
 * The gateway has already put X-Correlation-ID on the client's response; the owner echoes the same
 * id, and the proxy would add its copy as a second header line.
 */
final class CorrelationHeaderInterceptor implements ProxyInterceptor {

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
        context.response().headers().remove(CorrelationIdHandler.HEADER);
        return context.sendResponse();
    }
}
