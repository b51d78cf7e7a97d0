package io.tuneops.metrics;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * Stand-ins for the other services' readiness probes: each answers /q/health/ready with the
 * status a test sets, or ({@code 0}) never answers.
 */
public class FakeServicesResource implements QuarkusTestResourceLifecycleManager {

    static final Map<String, Integer> STATUS = new ConcurrentHashMap<>();
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private final List<HttpServer> servers = new ArrayList<>();

    @Override
    public Map<String, String> start() {
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
            server.start();
            servers.add(server);
            config.put("tuneops.upstream." + service, "http://127.0.0.1:" + server.getAddress().getPort());
        }
        config.put("tuneops.health.probe-timeout", "1s");
        return config;
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
            RELEASE.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        RELEASE.countDown();
        servers.forEach(s -> s.stop(0));
    }
}
