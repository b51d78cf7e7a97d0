package io.tuneops.system;

import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.embedded.RedisServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis stops in the middle of traffic: gateways in mode local and open keep serving with no 5xx
 * and almost no added latency, a gateway in mode closed answers 503 on limited routes, and all
 * of them enforce the shared limit again once Redis is back.
 */
@ExtendWith(Suite.Extension.class)
class RedisOutageIT {

    @Test
    void eachFailureModeDoesWhatItSaysAndRecoveryIsAutomatic() throws Exception {
        Suite suite = Suite.Extension.suite();
        int redisPort = LocalServers.freePort();
        RedisServer redis = LocalServers.startRedis(null, redisPort);
        List<ServiceProcess> gateways = new ArrayList<>();
        try {
            Map<String, ServiceProcess> byMode = new java.util.LinkedHashMap<>();
            for (String mode : List.of("local", "open", "closed")) {
                ServiceProcess gateway = suite.process("gateway-service", LocalServers.freePort(), Map.of(
                                "TUNEOPS_REDIS_URL", "redis://127.0.0.1:" + redisPort,
                                "RATE_LIMIT_CALLS", "1000",
                                "TUNEOPS_RATE_LIMIT_ON_REDIS_FAILURE", mode,
                                // the open gateway also lets security changes through without their audit event
                                "TUNEOPS_AUDIT_REQUIRE_APPEND", Boolean.toString(!"open".equals(mode))),
                        List.of("-Xmx128m", "-XX:+UseSerialGC"), "gateway-redis-" + mode).start();
                gateways.add(gateway);
                byMode.put(mode, gateway);
            }
            gateways.forEach(g -> g.awaitReady(Suite.READY_TIMEOUT));
            for (ServiceProcess gateway : gateways) {
                // a gateway's first decisions open its Redis connections, which on a busy machine can
                // take longer than the 50 ms a decision waits (then the failure mode answers, as meant: open
                // without limit headers, closed with a 503):
                // with Redis up, Redis's limit shows within a few requests
                Http.Reply ok;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                do {
                    ok = Http.get(gateway.url("/api/cloud/providers/replicate"));
                } while ((ok.status() != 200 || ok.header("X-RateLimit-Limit") == null) && System.nanoTime() < deadline);
                assertEquals(200, ok.status(), ok.body());
                assertEquals("1000", ok.header("X-RateLimit-Limit"));
            }

            // warming up may itself have fallen back: count this outage's decisions from here
            double fallbacksBefore = fallbackDecisions(Http.get(byMode.get("local").url("/q/metrics")).body());
            redis.stop();

            for (int i = 0; i < 30; i++) {
                long start = System.nanoTime();
                Http.Reply local = Http.get(byMode.get("local").url("/api/cloud/providers/replicate"));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, local.status(), "local mode: " + local.body());
                assertTrue(millis < 1_000, "local mode took " + millis + " ms");
                // the per-replica stand-in still counts (limit / replicas, one replica here)
                assertEquals("1000", local.header("X-RateLimit-Limit"));

                Http.Reply open = Http.get(byMode.get("open").url("/api/cloud/providers/replicate"));
                assertEquals(200, open.status(), "open mode: " + open.body());

                Http.Reply closed = Http.get(byMode.get("closed").url("/api/cloud/providers/replicate"));
                assertEquals(503, closed.status(), "closed mode: " + closed.body());
                assertEquals("Rate limiting is unavailable, try again shortly", closed.json().get("detail").asText());
            }
            // each replica says it is deciding without Redis, for the failover alert
            String failingOver = Http.get(byMode.get("local").url("/q/metrics")).body();
            assertTrue(failingOver.contains("tuneops_rate_limit_redis_unavailable 1.0"), failingOver);
            assertEquals(30.0, fallbackDecisions(failingOver) - fallbacksBefore, 0.0, failingOver);
            // excluded routes never depended on Redis
            assertEquals(200, Http.get(byMode.get("closed").url("/api/cloud/health/live")).status());

            // a security-relevant change whose audit event cannot be written fails, unless told otherwise
            String body = "{\"name\":\"during outage\",\"scopes\":[\"viewer\"]}";
            Http.Reply refused = Http.request("POST", byMode.get("local").url("/api/auth/api-keys"), body,
                    "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json");
            assertEquals(503, refused.status(), refused.body());
            assertTrue(refused.json().get("detail").asText().contains("audit trail"), refused.body());
            Http.Reply allowed = Http.request("POST", byMode.get("open").url("/api/auth/api-keys"), body,
                    "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json");
            assertEquals(201, allowed.status(), allowed.body());

            redis = LocalServers.startRedis(null, redisPort);
            // the breaker half-opens after 5 s and closes on success: enforcement comes back by itself
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int status;
            do {
                ServiceProcess.pause(Duration.ofMillis(200));
                status = Http.get(byMode.get("closed").url("/api/cloud/providers/replicate")).status();
            } while (status != 200 && System.nanoTime() < deadline);
            assertEquals(200, status, "closed mode never recovered");
            String recovered = Http.get(byMode.get("closed").url("/q/metrics")).body();
            assertTrue(recovered.contains("tuneops_rate_limit_redis_unavailable 0.0"), recovered);
        } finally {
            gateways.forEach(ServiceProcess::stop);
            redis.stop();
        }
    }

    private static double fallbackDecisions(String metrics) {
        String series = "tuneops_rate_limit_fallback_decisions_total{mode=\"local\"} ";
        return metrics.lines().filter(line -> line.startsWith(series)).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length()))).orElse(0.0);
    }
}
