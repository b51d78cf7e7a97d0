package io.tuneops.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
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

    static final String ORIGIN_REQUEST = "tuneops.origin-request";

    private final long timeoutMillis;

    ResponseTimeoutInterceptor(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        ProxyRequest request = context.request();
        Body body = request.getBody();
        if (body != null) {
            request.setBody(Body.body(new EndNotifyingStream(body.stream(), () -> startClock(context)), body.length()));
        }
        return context.sendRequest();
    }

    private void startClock(ProxyContext context) {
        HttpClientRequest origin = context.get(ORIGIN_REQUEST, HttpClientRequest.class);
        if (origin != null) {
            origin.idleTimeout(timeoutMillis);
        }
    }
}
