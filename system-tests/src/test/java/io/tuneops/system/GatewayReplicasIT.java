package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway replicas in front of the suite, sharing its Redis and PostgreSQL, with the
 * documented rate-limit defaults: limits are global, and revocations and allowlist changes made
 * through one replica hold on the other within a second.
 */
@ExtendWith(Suite.Extension.class)
class GatewayReplicasIT {

    private static ServiceProcess first;
    private static ServiceProcess second;
    private static final Random RANDOM = new Random();

    @BeforeAll
    static void twoReplicas() {
        Suite suite = Suite.Extension.suite();
        Map<String, String> defaults = Map.of("RATE_LIMIT_CALLS", "100");
        // the first as in the chart's one-CPU pod, the second as on a bigger one
        first = suite.process("gateway-service", LocalServers.freePort(), defaults,
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1"), "gateway-replica-1").start();
        second = suite.process("gateway-service", LocalServers.freePort(), defaults,
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=3"), "gateway-replica-2").start();
        first.awaitReady(Suite.READY_TIMEOUT);
        second.awaitReady(Suite.READY_TIMEOUT);
    }

    @AfterAll
    static void stop() {
        first.stop();
        second.stop();
    }

    /**
     * Each test speaks from its own address (the suite trusts X-Forwarded-For from loopback):
     * other classes' traffic from 127.0.0.1 in the last minute counts against the same global
     * window these replicas enforce, so requests from loopback could be limited before the test
     * says a word.
     */
    private String client;

    @BeforeEach
    void ownAddress() {
        client = "198.51.100." + (1 + RANDOM.nextInt(250));
    }

    private static String admin() {
        return "Bearer " + Suite.ADMIN_TOKEN;
    }

    private Http.Reply call(String method, ServiceProcess via, String path, String body, String... headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "X-Forwarded-For";
        all[headers.length + 1] = client;
        return Http.request(method, via.url(path), body, all);
    }

    private String createKey(ServiceProcess via, String scope) {
        Http.Reply created = call("POST", via, "/api/auth/api-keys",
                "{\"name\":\"replica test " + scope + "\",\"scopes\":[\"" + scope + "\"]}",
                "Authorization", admin(), "Content-Type", "application/json");
        assertEquals(201, created.status(), created.body());
        return created.json().get("key").asText() + " " + created.json().get("id").asText();
    }

    @Test
    void eachReplicaRunsOneEventLoopPerCpuItIsGiven() {
        // Quarkus alone would run two on one CPU
        assertEquals(1, first.threadsNamed("vert.x-eventloop-thread-"));
        assertEquals(3, second.threadsNamed("vert.x-eventloop-thread-"));
    }

    @Test
    void theLimitIsGlobalAcrossReplicas() {
        String[] key = createKey(first, "operator").split(" ");
        int admitted = 0;
        int rejected = 0;
        for (int i = 0; i < 30; i++) {
            ServiceProcess via = i % 2 == 0 ? first : second;
            Http.Reply reply = call("POST", via, "/api/cloud/jobs", "{}", "X-API-Key", key[0],
                    "Content-Type", "application/json");
            if (reply.status() == 429) {
                rejected++;
                assertEquals("Rate limit exceeded. Please try again later.", reply.json().get("detail").asText());
                assertTrue(reply.header("Retry-After") != null);
            } else {
                admitted++;
                assertEquals("20", reply.header("X-RateLimit-Limit"));
            }
        }
        // the guide's job submission rule: 20 per 60 s per client, not 20 per replica
        assertEquals(20, admitted);
        assertEquals(10, rejected);
    }

    @Test
    void aKeyRevokedOnOneReplicaIsRefusedByTheOtherWithinASecond() {
        String[] key = createKey(first, "viewer").split(" ");
        assertEquals(200, call("GET", second, "/api/cloud/providers", null, "X-API-Key", key[0]).status());
        assertEquals(204, call("DELETE", first, "/api/auth/api-keys/" + key[1], null,
                "Authorization", admin()).status());
        long revoked = System.nanoTime();
        int status;
        do {
            status = call("GET", second, "/api/cloud/providers/replicate", null, "X-API-Key", key[0]).status();
        } while (status == 200 && System.nanoTime() - revoked < Duration.ofSeconds(3).toNanos());
        long millis = (System.nanoTime() - revoked) / 1_000_000;
        assertEquals(401, status);
        assertTrue(millis <= 1_100, "revocation took " + millis + " ms to reach the other replica");
    }

    @Test
    void anAllowlistChangeHoldsOnEveryReplicaWithinASecondAndRejectionsAreAudited() {
        Http.Reply put = call("PUT", first, "/api/cloud/providers/replicate",
                "{\"webhook_allowed_ips\": [\"10.0.0.0/8\", \"2001:db8::/32\"]}",
                "Authorization", admin(), "Content-Type", "application/json");
        assertEquals(200, put.status(), put.body());
        try {
            for (ServiceProcess via : List.of(first, second)) {
                int status = awaitWebhookStatus(via, 403);
                assertEquals(403, status);
            }
            Http.Reply rejected = call("POST", second, "/api/webhooks/replicate", "{}");
            assertTrue(rejected.json().get("detail").asText().contains(client), rejected.body());

            Http.Reply inside = call("PUT", first, "/api/cloud/providers/replicate",
                    "{\"webhook_allowed_ips\": [\"" + client + "/32\"]}", "Authorization", admin(), "Content-Type", "application/json");
            assertEquals(200, inside.status());
            for (ServiceProcess via : List.of(first, second)) {
                // past the gateway: webhook-service itself answers (it has no receiver yet)
                assertTrue(awaitWebhookStatus(via, 404) != 403);
            }
        } finally {
            call("PUT", first, "/api/cloud/providers/replicate", "{\"webhook_allowed_ips\": []}",
                    "Authorization", admin(), "Content-Type", "application/json");
        }
        JsonNode events = AuditStream.events(Suite.Extension.suite(), "webhook_rejected");
        assertTrue(events.size() >= 1, "no webhook_rejected event");
        assertEquals(client, events.get(events.size() - 1).get("actor_ip").asText());
        assertEquals("replicate", events.get(events.size() - 1).get("details").get("provider").asText());

        // the guide's query, through the gateway: the gateway's event, as audit-service stored it
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode stored;
        do {
            stored = Http.get(first.url("/api/audit?event_type=webhook_rejected&limit=100"), "X-Forwarded-For", client).json();
        } while (stored.get("total").asLong() == 0 && System.nanoTime() < deadline);
        assertTrue(stored.get("total").asLong() >= 1, stored.toString());
        JsonNode entry = stored.get("entries").get(0);
        assertEquals("webhook_rejected", entry.get("type").asText());
        assertEquals(client, entry.get("actor_ip").asText());
        assertEquals("replicate", entry.get("target_id").asText());
        assertEquals("replicate", entry.get("details").get("provider").asText());
    }

    private int awaitWebhookStatus(ServiceProcess via, int expected) {
        long start = System.nanoTime();
        int status;
        do {
            status = call("POST", via, "/api/webhooks/replicate", "{}").status();
        } while (status != expected && System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
        return status;
    }
}
