package io.tuneops.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 of audit-service while events flow: none lost, none doubled, the chain still verifies. */
@ExtendWith(Suite.Extension.class)
class AuditCrashIT {

    static final int EVENTS = 3000;

    @Test
    void killingAuditServiceMidStreamLosesAndDuplicatesNothing() throws Exception {
        Suite suite = Suite.Extension.suite();
        String type = "crash.test." + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try (Jedis jedis = new Jedis("127.0.0.1", suite.servers.redisPort())) {
                for (int i = 0; i < EVENTS; i++) {
                    String event = "{\"id\":\"" + type + "-" + i + "\",\"time\":\"" + Instant.now() + "\",\"type\":\"" + type
                            + "\",\"actor\":\"load\",\"actor_ip\":\"198.51.100.9\",\"target_type\":\"test\",\"target_id\":\""
                            + i + "\",\"action\":\"emit\",\"details\":{\"i\":" + i + "}}";
                    jedis.xadd("tuneops:audit:events", StreamEntryID.NEW_ENTRY, Map.of("event", event));
                    written.incrementAndGet();
                    if (i % 100 == 0) {
                        ServiceProcess.pause(Duration.ofMillis(20)); // a steady flow over a few seconds
                    }
                }
            }
        });

        ServiceProcess audit = suite.service("audit-service");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (written.get() < EVENTS / 3 && System.nanoTime() < deadline) {
            ServiceProcess.pause(Duration.ofMillis(10));
        }
        audit.process().destroyForcibly(); // SIGKILL: no shutdown hook, no graceful drain
        assertTrue(audit.process().waitFor(10, TimeUnit.SECONDS));
        suite.startAgain("audit-service", Map.of());
        producer.get(60, TimeUnit.SECONDS);

        long total = -1;
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            total = Http.get(suite.gateway("/api/audit?limit=1&event_type=" + type)).json().get("total").asLong();
            if (total >= EVENTS) {
                break;
            }
            ServiceProcess.pause(Duration.ofMillis(250));
        }
        assertEquals(EVENTS, total, "stored entries of " + EVENTS + " sent");

        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            var page = Http.get(suite.gateway("/api/audit?limit=1000&event_type=" + type
                    + (cursor == null ? "" : "&cursor=" + cursor))).json();
            page.get("entries").forEach(e -> ids.add(e.get("id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertEquals(EVENTS, ids.size(), "distinct ids");

        var verify = Http.get(suite.gateway("/api/audit/verify")).json();
        assertTrue(verify.get("valid").asBoolean(), verify.toString());
    }
}
