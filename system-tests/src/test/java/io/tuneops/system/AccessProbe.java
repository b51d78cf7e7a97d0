package io.tuneops.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A second gateway on the suite's PostgreSQL and Redis (so it knows the suite's API keys) whose
 * four owners are one sink: a request that reaches the sink, the gateway routed and let through;
 * anything else the gateway answered itself. That tells the gateway's own decisions apart from
 * the owners', whose answers a request through the suite's gateway would mix in. The sink has no
 * description of its own ({@code /q/openapi} answers 503), as an owner that is down.
 */
final class AccessProbe implements AutoCloseable {

    /** The header every answer of the sink carries. */
    static final String REACHED = "X-Access-Probe-Reached";

    private final HttpServer sink;
    final ServiceProcess gateway;

    private AccessProbe(Suite suite) {
        try {
            sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sink.setExecutor(Executors.newFixedThreadPool(4));
        sink.createContext("/", AccessProbe::answer);
        sink.start();
        String url = "http://127.0.0.1:" + sink.getAddress().getPort();
        gateway = suite.process("gateway-service", LocalServers.freePort(), Map.of(
                        "TUNEOPS_UPSTREAM_WEBHOOK", url, "TUNEOPS_UPSTREAM_STORAGE", url,
                        "TUNEOPS_UPSTREAM_METRICS", url, "TUNEOPS_UPSTREAM_AUDIT", url),
                        List.of("-Xmx256m", "-XX:+UseSerialGC"), "gateway-access-probe")
                .start().awaitReady(Suite.READY_TIMEOUT);
    }

    /** Whether the gateway let the request through to the sink (else it answered itself). */
    static boolean reached(Http.Reply reply) {
        return reply.header(REACHED) != null;
    }

    /** The headers with which the gateway vouches for a caller with {@code scope}, sent straight to an owner. */
    static Map<String, String> vouched(String scope) {
        return Map.of("X-Tuneops-Gateway-Secret", Suite.INTERNAL_SECRET, "X-Tuneops-Actor", "access-probe-" + scope,
                "X-Tuneops-Scopes", scope);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
        }
        boolean description = exchange.getRequestURI().getPath().startsWith("/q/openapi");
        byte[] json = (description ? "{\"detail\":\"no description here\"}" : "{\"reached\":true}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (!description) {
            exchange.getResponseHeaders().add(REACHED, "true");
        }
        exchange.sendResponseHeaders(description ? 503 : 200, exchange.getRequestMethod().equals("HEAD") ? -1 : json.length);
        if (!exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseBody().write(json);
        }
        exchange.close();
    }

    @Override
    public void close() {
        gateway.stop();
        sink.stop(0);
    }

    /** Gives a test class the probe; put it after {@code Suite.Extension} in {@code @ExtendWith}. */
    static final class Extension implements BeforeAllCallback {
        private static AccessProbe probe;

        static AccessProbe probe() {
            return probe;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            probe = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(AccessProbe.class, k -> new AccessProbe(Suite.Extension.suite()), AccessProbe.class);
        }
    }
}
