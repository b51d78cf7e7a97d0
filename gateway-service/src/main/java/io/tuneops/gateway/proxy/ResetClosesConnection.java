package io.tuneops.gateway.proxy;

import io.quarkus.vertx.http.runtime.filters.AbstractResponseWrapper;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.HttpServerRequestWrapper;

/**
 * The client request as the proxy library sees it: the same request, except that its response
 * never frames an answer that has no body, and resetting its HTTP/1.x response closes the
 * connection in a way that is reported.
 *
 * <p>An answer to HEAD, a 1xx, 204 or 304 has no body (RFC 9110 section 6.4.1). The library
 * announces chunked framing for every owner's answer without a Content-Length, and Vert.x drops
 * that framing only for HEAD and for its own 304 status object: the library's copy of the owner's
 * reason phrase ("Not Modified") replaces that object, so a storage 304 went out with
 * {@code Transfer-Encoding: chunked}, and clients (boto3) waited for a body until their read
 * timeout. So such an answer keeps Vert.x's reason phrase and is never chunked. The library's
 * side is reported upstream as https://github.com/eclipse-vertx/vertx-http-proxy/issues/116 (a
 * proxied 304 never ends), open at Vert.x 4.5: drop this case when a release fixes it.
 *
 * <p>The library resets the client's response when copying the owner's answer fails, typically
 * because the client hung up mid-response. Vert.x 4's HTTP/1.x reset marks the response closed
 * before it closes the connection, so the close that follows is swallowed: neither the response's
 * close, end nor exception handlers run (Vert.x core 4.5, {@code Http1xServerResponse.reset} calls
 * {@code close()}, which sets {@code closed}, and {@code handleClosed()} then returns early:
 * https://github.com/eclipse-vertx/vert.x/blob/4.x/src/main/java/io/vertx/core/http/impl/Http1xServerResponse.java).
 * Quarkus would count the request as in flight for good, so a graceful shutdown waits out its
 * whole timeout, and the request log line, the traffic counters and the hang-up clean-up would
 * never see the request end. Closing the connection itself runs all of them, as for any client
 * that goes away. vertx-http-proxy's own fix for clients that go away
 * (https://github.com/eclipse-vertx/vertx-http-proxy/pull/118, in 4.5.25) resets the owner's side
 * only; the reset of the client's side still goes through the Vert.x core code above.
 */
final class ResetClosesConnection extends HttpServerRequestWrapper {

    private final HttpServerResponse response;

    ResetClosesConnection(HttpServerRequest request) {
        super((HttpServerRequestInternal) request);
        this.response = new Response(request);
    }

    @Override
    public HttpServerResponse response() {
        return response;
    }

    private static final class Response extends AbstractResponseWrapper {

        private final HttpServerRequest request;

        Response(HttpServerRequest request) {
            super(request.response());
            this.request = request;
        }

        @Override
        public HttpServerResponse setStatusMessage(String statusMessage) {
            return bodiless() ? this : super.setStatusMessage(statusMessage);
        }

        @Override
        public HttpServerResponse setChunked(boolean chunked) {
            return chunked && bodiless() ? this : super.setChunked(chunked);
        }

        private boolean bodiless() {
            int status = getStatusCode();
            return request.method() == HttpMethod.HEAD || status < 200 || status == 204 || status == 304;
        }

        @Override
        public boolean reset() {
            return reset(0L);
        }

        @Override
        public boolean reset(long code) {
            if (request.version() == HttpVersion.HTTP_2 || ended()) {
                return super.reset(code);  // HTTP/2 resets only the stream, and reports it
            }
            request.connection().close();
            return true;
        }
    }
}
