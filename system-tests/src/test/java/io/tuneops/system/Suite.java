package io.tuneops.system;

import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole suite, as the local run starts it: embedded PostgreSQL and Redis, then the five
 * packaged API services and console-service on free ports, wired to each other through
 * TUNEOPS_UPSTREAM_* (the gateway forwards console pages to TUNEOPS_UPSTREAM_CONSOLE). Started once
 * for all system test classes and stopped when the test JVM is done with them; refused at once
 * when a service's package is missing or older than its sources ({@link PackagedApp}).
 */
final class Suite implements AutoCloseable {

    /** The API's services: the gateway and the owners of the routes it forwards, each with its own OpenAPI and metrics. */
    static final List<String> SERVICES = List.of("gateway-service", "webhook-service", "storage-service",
            "metrics-service", "audit-service");
    /** The operator console's pages, behind the gateway beside the API; it owns no API route. */
    static final String CONSOLE = "console-service";
    /** Every service the suite starts. */
    static final List<String> STARTED = Stream.concat(SERVICES.stream(), Stream.of(CONSOLE)).toList();
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    static final String ADMIN_TOKEN = "system-test-admin-token-0123456789abcdef";
    static final String INTERNAL_SECRET = "system-test-internal-secret-0123456789";

    final LocalServers servers;
    final Path logs = Path.of(System.getProperty("tuneops.logs", "target/system-logs"));
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Map<String, ServiceProcess> running = new LinkedHashMap<>();

    private Suite() {
        PackagedApp.requireFresh(STARTED);
        deleteLogs();
        servers = LocalServers.startEphemeral();
        STARTED.forEach(s -> ports.put(s, LocalServers.freePort()));
        STARTED.forEach(s -> running.put(s, process(s, ports.get(s), Map.of()).start()));
        running.values().forEach(p -> p.awaitReady(READY_TIMEOUT));
    }

    private void deleteLogs() {
        try (var files = Files.list(logs)) {
            files.forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // first run: nothing to delete
        }
    }

    /** The environment the local run gives a service: servers, upstreams, a log file, prod profile. */
    Map<String, String> environment(String service) {
        Map<String, String> env = new HashMap<>(servers.serviceEnvironment());
        env.put("TUNEOPS_UPSTREAM_GATEWAY", "http://127.0.0.1:" + ports.get("gateway-service"));
        env.put("TUNEOPS_UPSTREAM_WEBHOOK", "http://127.0.0.1:" + ports.get("webhook-service"));
        env.put("TUNEOPS_UPSTREAM_STORAGE", "http://127.0.0.1:" + ports.get("storage-service"));
        env.put("TUNEOPS_UPSTREAM_METRICS", "http://127.0.0.1:" + ports.get("metrics-service"));
        env.put("TUNEOPS_UPSTREAM_AUDIT", "http://127.0.0.1:" + ports.get("audit-service"));
        env.put("TUNEOPS_UPSTREAM_CONSOLE", "http://127.0.0.1:" + ports.get(CONSOLE));
        // where jobs and providers reach the suite, under the guide's name for it
        env.put("SIMPLETUNER_PUBLIC_URL", "http://127.0.0.1:" + ports.get("gateway-service"));
        env.put("SIMPLETUNER_LOG_FILE", logs.resolve(service + ".log").toAbsolutePath().toString());
        // tests stop services often: a short pre-shutdown delay keeps them quick
        env.put("TUNEOPS_SHUTDOWN_DELAY", "1s");
        env.put("TUNEOPS_INTERNAL_SECRET", INTERNAL_SECRET);
        env.put("TUNEOPS_API_KEY_SECRET", "system-test-api-key-hmac-secret-0123456789");
        env.put("TUNEOPS_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("TUNEOPS_AUDIT_CHECKPOINT_KEY", "system-test-audit-checkpoint-key-0123456789");
        env.put("TUNEOPS_ENCRYPTION_KEY", "system-test-encryption-key-0123456789abcdef");
        // the suite's own tests send far more than the default 100 requests a minute from one address;
        // the rate-limit system tests run gateways of their own with the documented defaults
        env.put("RATE_LIMIT_CALLS", "1000000");
        // the tests run on one address: each test that sends many limited requests acts as a client of
        // its own through X-Forwarded-For, so one test's rate-limit windows never spill into another's
        env.put("TUNEOPS_CLIENT_IP_TRUSTED_PROXIES", "127.0.0.1/32");
        // the notification tests' receivers (event webhooks, Slack, SMTP) listen on the loopback address
        env.put("TUNEOPS_NOTIFICATIONS_ALLOW_PRIVATE_TARGETS", "true");
        return env;
    }

    /** A process for {@code service} with the suite's environment plus {@code overrides}, not started. */
    ServiceProcess process(String service, int port, Map<String, String> overrides) {
        return process(service, port, overrides, List.of("-Xmx256m", "-XX:+UseSerialGC"), service);
    }

    ServiceProcess process(String service, int port, Map<String, String> overrides, List<String> jvm, String label) {
        Map<String, String> env = environment(service);
        env.put("SIMPLETUNER_LOG_FILE", logs.resolve(label + ".log").toAbsolutePath().toString());
        env.putAll(overrides);
        return new ServiceProcess(service, port, env, jvm, logs.resolve(label + ".out"));
    }

    ServiceProcess service(String name) {
        return running.get(name);
    }

    /** Stops the suite's {@code service} and starts it on its port again with {@code overrides}; returns once it is ready. */
    void restart(String service, Map<String, String> overrides) {
        service(service).stop();
        startAgain(service, overrides);
    }

    /**
     * Starts the suite's {@code service} on its port again, after a test stopped or killed it, with
     * {@code overrides}; returns once it is ready.
     */
    void startAgain(String service, Map<String, String> overrides) {
        ServiceProcess restarted = process(service, service(service).port, overrides).start();
        running.put(service, restarted.awaitReady(READY_TIMEOUT));
    }

    String gateway(String path) {
        return service("gateway-service").url(path);
    }

    @Override
    public void close() {
        running.values().forEach(ServiceProcess::stop);
        servers.close();
    }

    /** Gives a test class the running suite; put {@code @ExtendWith(Suite.Extension.class)} on it. */
    static final class Extension implements BeforeAllCallback {
        private static Suite suite;

        static Suite suite() {
            return suite;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            suite = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(Suite.class, k -> new Suite(), Suite.class);
        }
    }
}
