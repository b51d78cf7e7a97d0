package io.tuneops.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tuneops.local.LocalServers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * Stands in for the owner services and the console behind the gateway: an HTTP server that
 * echoes what it was sent (method, URI, selected headers, body length and SHA-256), answers
 * {@code .../not-modified} and {@code .../no-content} with a bodiless 304 and 204, and, on
 * {@code .../slow}, never answers. The storage upstream points at a port nobody listens on, to
 * play an owner that is down.
 */
public class FakeOwnersResource implements QuarkusTestResourceLifecycleManager {

    static final List<String> RECEIVED_URIS = new CopyOnWriteArrayList<>();
    private static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);
    static final long BIG_BODY_BYTES = 32L << 20;

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", FakeOwnersResource::handle);
        server.start();
        String owner = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of(
                "tuneops.upstream.webhook", owner,
                "tuneops.upstream.metrics", owner,
                "tuneops.upstream.audit", owner,
                "tuneops.upstream.console", owner,
                "tuneops.upstream.storage", "http://127.0.0.1:" + LocalServers.freePort(),
                "tuneops.proxy.response-timeout", "1s");
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String uri = exchange.getRequestURI().toString();
        RECEIVED_URIS.add(uri);
        if (uri.endsWith("/slow")) {
            awaitRelease();
        }
        if (uri.endsWith("/not-modified") || uri.endsWith("/no-content")) {
            // as storage answers a matching conditional GET: status and validators, no body
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("ETag", "\"abc\"");
            exchange.sendResponseHeaders(uri.endsWith("/not-modified") ? 304 : 204, -1);
            exchange.close();
            return;
        }
        if (uri.endsWith("/big")) {
            sendBig(exchange);
            return;
        }
        long length = 0;
        MessageDigest sha256 = sha256();
        try (InputStream in = exchange.getRequestBody()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                length += n;
            }
        }
        String json = "{\"method\":\"" + exchange.getRequestMethod() + "\""
                + ",\"uri\":\"" + uri + "\""
                + ",\"host\":\"" + exchange.getRequestHeaders().getFirst("Host") + "\""
                + ",\"correlation_id\":\"" + exchange.getRequestHeaders().getFirst("X-Correlation-ID") + "\""
                + ",\"actor\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-Actor") + "\""
                + ",\"scopes\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-Scopes") + "\""
                + ",\"user\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-User") + "\""
                + ",\"username\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-Username") + "\""
                + ",\"org\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-Org") + "\""
                + ",\"teams\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-Teams") + "\""
                + ",\"client_ip\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-Client-IP") + "\""
                + ",\"gateway_secret\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-Gateway-Secret") + "\""
                + ",\"authorization\":\"" + exchange.getRequestHeaders().getFirst("Authorization") + "\""
                + ",\"api_key\":\"" + exchange.getRequestHeaders().getFirst("X-API-Key") + "\""
                + ",\"csrf\":\"" + exchange.getRequestHeaders().getFirst("X-Tuneops-Csrf") + "\""
                + ",\"cookie\":\"" + exchange.getRequestHeaders().getFirst("Cookie") + "\""
                + ",\"expect\":\"" + exchange.getRequestHeaders().getFirst("Expect") + "\""
                + ",\"length\":" + length
                + ",\"sha256\":\"" + HexFormat.of().formatHex(sha256.digest()) + "\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** 32 MiB of zeros, more than any socket buffers in between hold; a client may stop reading. */
    private static void sendBig(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, BIG_BODY_BYTES);
        byte[] chunk = new byte[64 * 1024];
        try (var out = exchange.getResponseBody()) {
            for (long sent = 0; sent < BIG_BODY_BYTES; sent += chunk.length) {
                out.write(chunk);
            }
        } catch (IOException gatewayGaveUp) {
            // the gateway dropped this exchange when its client went away
        }
    }

    private static void awaitRelease() {
        try {
            RELEASE_SLOW.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        RELEASE_SLOW.countDown();
        server.stop(0);
    }
}
