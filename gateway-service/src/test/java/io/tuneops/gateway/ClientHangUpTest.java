package io.tuneops.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/**
 * Clients that hang up before their answer must not keep the gateway's connections to the owner.
 * An exchange whose client closed while its request waited for a pooled connection used to wait
 * for a body end that never came, holding that connection for good (and a graceful shutdown for
 * its full 30 s): with a pool of two, two hang-ups cut the owner off.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedServersTestResource.class)
@QuarkusTestResource(FakeOwnersResource.class)
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

    @Test
    void hangUpsDoNotHoldOriginConnections() throws Exception {
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
}
