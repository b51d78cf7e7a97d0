package io.tuneops.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One owner going down costs only its own prefix, and only until it is back. */
@ExtendWith(Suite.Extension.class)
class OwnerOutageIT {

    private final Suite suite = Suite.Extension.suite();

    @Test
    void aStoppedServiceIsAJson502OnItsPrefixOnlyAndComesBackWithoutAGatewayRestart() {
        ServiceProcess audit = suite.service("audit-service");
        assertEquals(200, Http.get(suite.gateway("/api/audit/types")).status());
        audit.stop();
        try {
            long start = System.nanoTime();
            Http.Reply down = Http.get(suite.gateway("/api/audit/types"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(down.status() == 502 || down.status() == 503, "status " + down.status());
            assertEquals("audit-service is unavailable", down.json().get("detail").asText());
            assertTrue(millis < 5_000, "took " + millis + " ms");

            assertEquals(200, Http.get(suite.gateway("/api/cloud/providers")).status());
            assertEquals(200, Http.get(suite.gateway("/api/cloud/health/live")).status());
            assertEquals(403, Http.request("GET", suite.gateway("/api/cloud/storage/outputs/job/key"), null).status());

            Http.Reply ready = Http.get(suite.gateway("/api/cloud/health/ready"));
            assertEquals(503, ready.status());
            assertEquals("down", ready.json().get("components").get("audit-service").asText());
            assertEquals("up", ready.json().get("components").get("webhook-service").asText());
        } finally {
            suite.startAgain("audit-service", Map.of());
        }
        assertEquals(200, Http.get(suite.gateway("/api/audit/types")).status());
        awaitStatus(suite.gateway("/api/cloud/health/ready"), 200, Duration.ofSeconds(10));
    }

    private static void awaitStatus(String url, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int status;
        while ((status = ServiceProcess.status(url)) != expected) {
            assertTrue(System.nanoTime() < deadline, url + " answered " + status);
            ServiceProcess.pause(Duration.ofMillis(100));
        }
    }
}
