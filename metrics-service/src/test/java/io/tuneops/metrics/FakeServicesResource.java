package io.tuneops.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-ins for the other services: each answers /q/health/ready with the status a test sets, or
 * ({@code 0}) never answers; webhook-service and audit-service also serve their internal figures
 * ({@code /internal/jobs/figures}, {@code /internal/audit/figures}) as the JSON a test sets, and
 * refuse (403) a caller without the internal secret, as the real ones do.
 */
public class FakeServicesResource implements QuarkusTestResourceLifecycleManager {

    static final String INTERNAL_SECRET = "test-only-internal-secret-0123456789abcdef";
    static final String JOBS = "/internal/jobs/figures";
    static final String AUDIT = "/internal/audit/figures";
    static final String PROVIDER_HEALTH = "/internal/providers/health";

    static final Map<String, Integer> STATUS = new ConcurrentHashMap<>();
    /** Path of a figures endpoint to the JSON it answers; a status in {@link #FIGURES_STATUS} overrides it. */
    static final Map<String, String> FIGURES = new ConcurrentHashMap<>();
    /** Path to HTTP status; {@code 0}: never answer (until the resource stops). */
    static final Map<String, Integer> FIGURES_STATUS = new ConcurrentHashMap<>();
    /** Requests each figures endpoint received with the right secret. */
    static final Map<String, AtomicInteger> FIGURES_CALLS = new ConcurrentHashMap<>();
    private static volatile CountDownLatch release = new CountDownLatch(1);
    private final List<HttpServer> servers = new ArrayList<>();

    @Override
    public Map<String, String> start() {
        release = new CountDownLatch(1);
        Map<String, String> config = new HashMap<>();
        for (String service : new String[]{"gateway", "webhook", "storage", "audit"}) {
            STATUS.put(service, 200);
            HttpServer server = create();
            server.createContext("/q/health/ready", exchange -> {
                int status = STATUS.get(service);
                if (status == 0) {
                    awaitRelease();
                    status = 503;
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            if (service.equals("webhook")) {
                server.createContext(JOBS, exchange -> figures(JOBS, exchange));
                server.createContext(PROVIDER_HEALTH, exchange -> figures(PROVIDER_HEALTH, exchange));
            }
            if (service.equals("audit")) {
                server.createContext(AUDIT, exchange -> figures(AUDIT, exchange));
            }
            server.start();
            servers.add(server);
            config.put("tuneops.upstream." + service, "http://127.0.0.1:" + server.getAddress().getPort());
        }
        config.put("tuneops.health.probe-timeout", "1s");
        config.put("tuneops.metrics.fetch-timeout", "1s");
        return config;
    }

    private static void figures(String path, HttpExchange exchange) throws IOException {
        if (!INTERNAL_SECRET.equals(exchange.getRequestHeaders().getFirst("X-Tuneops-Gateway-Secret"))) {
            respond(exchange, 403, "{\"detail\":\"Internal route\"}");
            return;
        }
        FIGURES_CALLS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        int status = FIGURES_STATUS.getOrDefault(path, 200);
        if (status == 0) {
            awaitRelease();
            status = 503;
        }
        String body = FIGURES.get(path);
        respond(exchange, body == null ? 404 : status, body == null ? "{\"detail\":\"Not Found\"}" : body);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static HttpServer create() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.setExecutor(Executors.newCachedThreadPool());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
    }
}
