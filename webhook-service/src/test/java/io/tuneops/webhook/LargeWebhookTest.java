package io.tuneops.webhook;

import com.standardwebhooks.Webhook;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long training's deliveries: Replicate sends the whole log every time, so they grow past any
 * small limit. Up to 64 MB they are verified as they stream and applied, only the log's tail kept.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class LargeWebhookTest {

    static final int LOGS_TAIL = 65536;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void configureGeneric() {
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).put("webhook_require_signature", true)
                .put("webhook_allowed_ips", (Object) null).encode()).put("/api/cloud/providers/generic").then().statusCode(200);
    }

    /** A Replicate training snapshot whose log is about {@code logBytes} long and ends with {@code end}. */
    static String replicateShaped(String id, int logBytes, String end) {
        StringBuilder log = new StringBuilder(logBytes + 100);
        for (int step = 0; log.length() < logBytes; step++) {
            log.append("step ").append(step).append(": loss=0.0123, lr=1e-4 \\u00e9\\t\\\"ok\\\"\\n");
        }
        log.append(end);
        return "{\"id\": \"" + id + "\", \"model\": \"acme/flux-dev\", \"version\": \"abc123\", \"status\": \"processing\","
                + " \"input\": {\"steps\": 1000, \"input_images\": \"https://example.com/i.zip\"}, \"logs\": \"" + log + "\","
                + " \"output\": null, \"error\": null, \"metrics\": {\"predict_time\": 4242.5},"
                + " \"created_at\": \"2026-12-06T01:00:00Z\", \"started_at\": \"2026-12-06T01:00:05Z\","
                + " \"urls\": {\"get\": \"https://api.replicate.com/v1/trainings/" + id + "\"}}";
    }

    @Test
    void a20MbSignedSnapshotIsAcceptedAndOnlyTheTailOfItsLogIsKept() {
        String jobId = GenericJobLifecycleTest.submitGeneric("{\"name\": \"long training\"}").getString("job_id");
        String body = replicateShaped(jobId, 20 << 20, "the very last line");
        assertTrue(body.length() > 20 << 20);
        Caller.signedNow(GENERIC_SECRET, "msg_large_" + jobId, body).post("/api/webhooks/generic").then().statusCode(200)
                .body("status", equalTo("applied")).body("job_status", equalTo("running"));
        String logs = Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(200)
                .body("status", equalTo("running")).body("duration_seconds", equalTo(4242.5f))
                .extract().path("logs");
        assertEquals(LOGS_TAIL, logs.length());
        assertTrue(logs.endsWith("\"ok\"\nthe very last line"), logs.substring(logs.length() - 100));
    }

    @Test
    void aLargeBodyWithABadSignatureIsRefusedAndChangesNothing() throws Exception {
        String jobId = GenericJobLifecycleTest.submitGeneric("{}").getString("job_id");
        String body = replicateShaped(jobId, 20 << 20, "forged");
        long ts = Instant.now().getEpochSecond();
        String signedOther = new Webhook(GENERIC_SECRET).sign("msg_forged_" + jobId, ts, body.replace("forged", "honest"));
        RestAssured.given().contentType("application/json").header("webhook-id", "msg_forged_" + jobId)
                .header("webhook-timestamp", Long.toString(ts)).header("webhook-signature", signedOther).body(body)
                .post("/api/webhooks/generic").then().statusCode(401).body("detail", equalTo("Invalid webhook signature"));
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(200)
                .body("status", equalTo("pending")).body("logs", nullValue());
        // the delivery was not recorded: the authentic one with the same id applies
        Caller.signed(GENERIC_SECRET, "msg_forged_" + jobId, ts, body).post("/api/webhooks/generic").then().statusCode(200)
                .body("status", equalTo("applied"));
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413AnnouncedOrNot() throws Exception {
        long limit = 64L << 20;
        // announced: refused from the headers, before a byte of it is read
        String announced = exchange("Content-Length: " + (limit + 1) + "\r\n", null);
        assertTrue(announced.startsWith("HTTP/1.1 413"), announced);
        assertTrue(announced.contains("larger than 67108864 bytes"), announced);
        // chunked: refused once the 64 MB are passed
        String chunked = exchange("Transfer-Encoding: chunked\r\n", limit + (1 << 20));
        assertTrue(chunked.startsWith("HTTP/1.1 413"), chunked);
        RestAssured.given().get("/q/health/live").then().statusCode(200);
    }

    /** A signed-looking POST on a raw socket: {@code chunkedBytes} of log sent chunked by another thread. */
    private String exchange(String framing, Long chunkedBytes) throws Exception {
        long ts = Instant.now().getEpochSecond();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/webhooks/generic HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "webhook-id: msg_too_large_" + ts + "\r\nwebhook-timestamp: " + ts + "\r\n"
                    + "webhook-signature: v1,AAAA\r\n" + framing + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = null;
            if (chunkedBytes != null) {
                writer = new Thread(() -> {
                    byte[] chunk = ("x".repeat(1 << 20)).getBytes(StandardCharsets.US_ASCII);
                    try {
                        out.write(("1\r\n{\r\n").getBytes(StandardCharsets.US_ASCII));
                        for (long sent = 0; sent < chunkedBytes; sent += chunk.length) {
                            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(chunk);
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // the server stopped reading at its limit and closed the connection
                    }
                });
                writer.start();
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder answer = new StringBuilder();
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                answer.append(line).append('\n');
            }
            // the JSON body, up to its closing brace (whatever the framing around it)
            for (int c; (c = in.read()) >= 0; ) {
                answer.append((char) c);
                if (c == '}') {
                    break;
                }
            }
            if (writer != null) {
                socket.close();
                writer.join(60_000);
            }
            return answer.toString();
        }
    }

    @Test
    void theLimitsAreInTheOpenApiDescription() {
        RestAssured.given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("64 MiB by default"));
    }
}
