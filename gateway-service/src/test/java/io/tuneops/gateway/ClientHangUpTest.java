package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.quarkus.redis.datasource.RedisDataSource;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.support.SharedNames;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Clients that hang up before their answer must not keep the gateway's connections to the owner.
 * An exchange whose client closed while its request waited for a pooled connection would wait
 * for a body end that never comes, holding that connection for good (and a graceful shutdown for
 * its full 30 s): with a pool of two, two hang-ups cut the owner off.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
@TestProfile(ClientHangUpTest.TwoOriginConnections.class)
class ClientHangUpTest {

    public static class TwoOriginConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.proxy.max-connections-per-upstream", "2", "tuneops.rate-limit.calls", "0");
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    RedisDataSource redis;

    @Test
    void hangUpsDoNotHoldOriginConnections() throws Exception {
        // Vert.x logs a failed client exchange nobody listens to at ERROR: a hang-up is routine
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger vertxLog = java.util.logging.Logger.getLogger("io.vertx");
        vertxLog.addHandler(capture);
        try {
            hangUpsThenRequests();
        } finally {
            vertxLog.removeHandler(capture);
        }
        assertEquals(List.of(), errors.stream().map(LogRecord::getMessage).toList(), "ERROR lines from Vert.x");
    }

    private void hangUpsThenRequests() throws Exception {
        for (int i = 0; i < 40; i++) {
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/cloud/jobs/hang-up-" + i + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + TestKeys.ADMIN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } // closed at once, before any answer
        }
        // with both origin connections held by abandoned exchanges these would wait for one until
        // the connect timeout (3 s) and answer 502
        for (int i = 0; i < 5; i++) {
            RestAssured.given().header("Authorization", "Bearer " + TestKeys.ADMIN)
                    .get("/api/cloud/jobs/after-" + i)
                    .then().statusCode(200).body("uri", equalTo("/api/cloud/jobs/after-" + i));
        }
    }

    @Test
    void clientsThatHangUpMidResponseStillEndTheirRequests() throws Exception {
        // Vert.x's HTTP/1.x response reset (which the proxy library calls when copying the owner's
        // answer fails) used to swallow the connection close that followed: the request never
        // ended for Quarkus (a SIGTERM waited its full shutdown timeout), for the request log and
        // for the traffic counters, which this test reads
        String endpoint = "GET_/api/cloud/providers/{provider}";
        long before = requestsCounted(endpoint);
        int clients = 10;
        for (int i = 0; i < clients; i++) {
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/cloud/providers/big HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + TestKeys.ADMIN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // the response is streaming (head and the first 64 KiB read); then a reset, with the
                // rest of the 32 MiB unread
                assertEquals(64 * 1024, socket.getInputStream().readNBytes(64 * 1024).length);
                socket.setSoLinger(true, 0);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long counted = requestsCounted(endpoint) - before;
        while (counted < clients && System.nanoTime() < deadline) {
            counted = requestsCounted(endpoint) - before;  // flushed to Redis once a second
        }
        assertEquals(clients, counted, "requests whose end the gateway saw");
    }

    private long requestsCounted(String endpoint) {
        String count = redis.hash(String.class).hget(SharedNames.HTTP_REQUESTS, endpoint);
        return count == null ? 0 : Long.parseLong(count);
    }
}
