package io.tuneops.gateway.proxy;

import io.tuneops.gateway.config.ProxyConfig;
import io.tuneops.gateway.routing.RoutePatterns;
import io.tuneops.gateway.security.EdgeHandler;
import io.tuneops.gateway.session.SessionCookie;
import io.tuneops.support.config.UpstreamConfig;
import io.tuneops.support.http.RequestStage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mounts the streaming reverse proxy (Vert.x http-proxy) on every documented prefix. Bodies are
 * piped with back-pressure in both directions, never buffered, so gateway memory stays flat
 * whatever the size of an upload or download. The console's pages are forwarded the same way.
 * The gateway's own routes ({@code /api/auth/**}, {@code /api/users/**}, {@code /api/orgs/**})
 * and everything else fall through to Quarkus REST, which answers unknown paths with 404.
 */
@ApplicationScoped
public class ProxyRoutes {

    private static final Logger LOG = Logger.getLogger(ProxyRoutes.class);
    /**
     * The request's origin exchange, kept in the request's own Vert.x context: the response timeout
     * starts on it, and it is dropped when the client goes away.
     */
    private static final String ORIGIN_REQUEST = "tuneops.origin-request";
    private static final String ROOT = "/";
    /**
     * Objects (storage-service's answers) are read in pieces of up to 256 KiB: a socket buffer of
     * that size, read with a fixed allocator of that size instead of Netty's adaptive one that stops
     * at 64 KiB, and relayed in pieces as large as they were read instead of 8 KiB ones, so a large
     * download costs a quarter of the reads, writes and pipeline passes. A fixed socket buffer turns
     * off the kernel's receive-window autotuning, which matters for the owners only across a
     * high-latency link; the other owners' small answers keep the defaults.
     */
    private static final int OBJECT_READ_BYTES = 256 * 1024;
    private static final Pattern SIGNED_HEADERS = Pattern.compile("SignedHeaders=([^,\\s]+)");

    private final Vertx vertx;
    private final UpstreamConfig upstreams;
    private final ProxyConfig proxy;

    public ProxyRoutes(Vertx vertx, UpstreamConfig upstreams, ProxyConfig proxy) {
        this.vertx = vertx;
        this.upstreams = upstreams;
        this.proxy = proxy;
    }

    void mount(@Observes Router router) {
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) proxy.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setDecompressionSupported(false);
        EventLoopHttpClients clients = new EventLoopHttpClients(vertx, options, proxy.maxConnectionsPerUpstream());
        EventLoopHttpClients objectClients = new EventLoopHttpClients(vertx, new HttpClientOptions(options)
                .setMaxChunkSize(OBJECT_READ_BYTES)
                .setReceiveBufferSize(OBJECT_READ_BYTES), proxy.maxConnectionsPerUpstream());
        for (Owner owner : Owner.values()) {
            EventLoopHttpClients ownerClients = owner == Owner.STORAGE ? objectClients : clients;
            URI address = URI.create(owner.address(upstreams));
            HttpProxy httpProxy = HttpProxy.reverseProxy(ownerClients.any())
                    .origin(context -> originRequest(context, ownerClients.current(), address))
                    .addInterceptor(new UpstreamErrorInterceptor(owner))
                    .addInterceptor(new CorrelationHeaderInterceptor())
                    .addInterceptor(new ResponseTimeoutInterceptor(proxy.responseTimeout().toMillis()));
            Handler<RoutingContext> handler = rc -> {
                if ("100-continue".equalsIgnoreCase(rc.request().getHeader("Expect"))) {
                    // Vert.x http-proxy streams the body without relaying the owner's 100 Continue, and
                    // clients that wait for it (the AWS SDKs' async clients) would never send the body.
                    // The gateway has authenticated and rate-limited the request by now, so it answers
                    // 100 itself; the owner still refuses a bad request at its headers. The header goes
                    // on to the owner only when an S3 client signed it (some SDKs do), or the owner
                    // would check the signature without it; the owner's own 100 is then an interim
                    // answer the proxy's client passes over.
                    if (!signs(rc.request(), "expect")) {
                        rc.request().headers().remove("Expect");
                    }
                    rc.response().writeContinue();
                }
                if (owner != Owner.CONSOLE) {
                    // the session cookie is the browser's credential for the gateway and the console
                    // alone; owners get the identity, also on open routes and requests with a key
                    SessionCookie.removeFrom(rc.request().headers());
                }
                Long maxBody = rc.get(EdgeHandler.MAX_BODY);
                if (maxBody != null && rc.request().getHeader("Content-Length") == null) {
                    rc.request().headers().set(ResponseTimeoutInterceptor.MAX_BODY_HEADER, Long.toString(maxBody));
                }
                rc.addEndHandler(done -> {
                    if (done.failed()) {  // the client went away before its response ended
                        HttpClientRequest origin = originOf(rc.request());
                        if (origin != null) {
                            origin.reset();
                        }
                    }
                });
                httpProxy.handle(new ResetClosesConnection(rc.request()));
            };
            for (String prefix : owner.prefixes()) {
                if (RoutePatterns.templated(prefix)) {
                    router.routeWithRegex(RoutePatterns.regexOf(prefix)).order(RequestStage.ROUTES.order()).handler(handler);
                    continue;
                }
                // "/prefix/*" matches the prefix itself, "/prefix/" and everything below it; "/" is only itself
                router.route(ROOT.equals(prefix) ? ROOT : prefix + "/*").order(RequestStage.ROUTES.order()).handler(handler);
            }
            LOG.infof("routing %s to %s at %s", owner.prefixes(), owner.serviceName(), address);
        }
    }

    /** Whether the request's SigV4 signature (its Authorization header or presigned query) covers header {@code name}. */
    static boolean signs(HttpServerRequest request, String name) {
        String authorization = request.getHeader("Authorization");
        String signed = null;
        if (authorization != null && authorization.startsWith("AWS4-HMAC-SHA256")) {
            Matcher m = SIGNED_HEADERS.matcher(authorization);
            signed = m.find() ? m.group(1) : null;
        } else {
            signed = request.getParam("X-Amz-SignedHeaders");
        }
        return signed != null && List.of(signed.toLowerCase(Locale.ROOT).split(";")).contains(name);
    }

    /** The origin exchange of a client's request, once the proxy has opened it (else null). */
    static HttpClientRequest originOf(HttpServerRequest client) {
        return ((HttpServerRequestInternal) client).context().getLocal(ORIGIN_REQUEST);
    }

    private Future<HttpClientRequest> originRequest(ProxyContext context, HttpClient client, URI address) {
        boolean tls = "https".equals(address.getScheme());
        int port = address.getPort() != -1 ? address.getPort() : (tls ? 443 : 80);
        HostAndPort original = context.request().proxiedRequest().authority();
        if (original != null) {
            // owners see the Host the client used (S3 signatures cover it)
            context.request().setAuthority(original);
        }
        RequestOptions options = new RequestOptions()
                .setServer(SocketAddress.inetSocketAddress(port, address.getHost()))
                .setSsl(tls)
                .setConnectTimeout(proxy.connectTimeout().toMillis());
        return client.request(options).onSuccess(request -> {
            HttpServerRequest proxied = context.request().proxiedRequest();
            // Without a listener Vert.x logs every failure of this exchange at ERROR, among them the
            // resets the gateway makes when a client hangs up (routine). The owner failing
            // mid-answer stays a warning; before the answer, UpstreamErrorInterceptor logs the 502.
            request.exceptionHandler(e -> {
                if (e instanceof StreamResetException) {
                    LOG.debugf("origin exchange dropped, its client hung up: %s", e.toString());
                } else {
                    LOG.warnf("%s %s: the owner's answer failed: %s", proxied.method(), proxied.path(), e.toString());
                }
            });
            ((HttpServerRequestInternal) proxied).context().putLocal(ORIGIN_REQUEST, request);
            HttpServerResponse response = proxied.response();
            if (response.closed()) {
                // The client hung up while its request waited (for the key check, the rate-limit
                // decision or this connection). Its close was reported before the proxy library
                // listened, so the library would wait for a body end that never comes and keep
                // this pooled connection for good: a few hundred hang-ups would exhaust the pool.
                request.reset();
            }
        });
    }
}
