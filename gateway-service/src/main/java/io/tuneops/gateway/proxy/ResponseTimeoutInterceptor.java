package io.tuneops.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Bounds how long the gateway waits on an owner: once the client's request has been forwarded in
 * full, the owner must start answering (and keep streaming) within the response timeout, or the
 * exchange is reset and {@link UpstreamErrorInterceptor} answers 504. Starting the clock at the
 * end of the body keeps multi-GB uploads from timing out while they are still being sent.
 */
final class ResponseTimeoutInterceptor implements ProxyInterceptor {

    /** Set by {@link ProxyRoutes} on requests whose body has a size limit; never forwarded. */
    static final String MAX_BODY_HEADER = "X-Tuneops-Max-Body";

    private final long timeoutMillis;

    ResponseTimeoutInterceptor(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        ProxyRequest request = context.request();
        String max = request.headers().get(MAX_BODY_HEADER);
        request.headers().remove(MAX_BODY_HEADER);
        long maxBytes = max == null ? -1 : Long.parseLong(max);
        Body body = request.getBody();
        if (body != null) {
            request.setBody(Body.body(new EndNotifyingStream(body.stream(), () -> startClock(context), maxBytes,
                    () -> tooLong(request.proxiedRequest(), maxBytes)), body.length()));
        }
        return context.sendRequest();
    }

    private static void tooLong(HttpServerRequest client, long maxBytes) {
        HttpServerResponse response = client.response();
        if (!response.headWritten()) {
            response.setStatusCode(413).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                    .end("{\"detail\":\"Request body larger than " + maxBytes + " bytes\"}");
        }
        client.connection().close();
    }

    private void startClock(ProxyContext context) {
        HttpClientRequest origin = ProxyRoutes.originOf(context.request().proxiedRequest());
        if (origin != null) {
            origin.idleTimeout(timeoutMillis);
        }
    }
}
