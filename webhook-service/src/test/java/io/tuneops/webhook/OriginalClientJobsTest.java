package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static io.tuneops.webhook.Caller.signedNow;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The jobs routes as the original tool's command-line client calls and reads them, and its live log. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class OriginalClientJobsTest {

    @TestHTTPResource("/api/cloud/jobs")
    URL jobsUrl;

    @BeforeEach
    void configureGeneric() {
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).put("webhook_require_signature", true)
                        .put("cost_limit", (Object) null).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
    }

    private static String submit(String name) {
        return Caller.operator().body("{\"name\": \"" + name + "\", \"hardware\": \"gpu-a100\"}").post("/api/cloud/jobs?provider=generic")
                .then().statusCode(201).extract().path("job_id");
    }

    private static void report(String jobId, String webhookId, String status, String logs) {
        String body = new JsonObject().put("id", jobId).put("status", status).put("logs", logs).encode();
        signedNow(GENERIC_SECRET, webhookId, body).post("/api/webhooks/generic").then().statusCode(200);
    }

    @Test
    void theOriginalClientsSubmitIsTaken() {
        // its names for the configuration and the hardware; it checks success
        Caller.operator().body("{\"config_name_to_load\": \"my-lora\", \"hardware_profile\": \"gpu-a100\"}")
                .post("/api/cloud/jobs/submit?provider=generic").then().statusCode(201)
                .body("success", equalTo(true)).body("job.config_name", equalTo("my-lora")).body("job.hardware_type", equalTo("gpu-a100"));
        Caller.operator().body("{\"config_name_to_load\": \"again\", \"idempotency_key\": \"original-client-1\"}")
                .post("/api/cloud/jobs/submit?provider=generic").then().statusCode(201);
        Caller.operator().body("{\"config_name_to_load\": \"again\", \"idempotency_key\": \"original-client-1\"}")
                .post("/api/cloud/jobs/submit?provider=generic").then().statusCode(200)
                .body("success", equalTo(true)).body("idempotent_hit", equalTo(true));
    }

    @Test
    void aJobReadsCancelsAndDeletesInTheOriginalsShapes() {
        String jobId = submit("original-shapes");
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(200)
                .body("job_id", equalTo(jobId)).body("job.job_id", equalTo(jobId))
                .body("job.config_name", equalTo("original-shapes")).body("job.hardware_type", equalTo("gpu-a100"))
                .body("job.job_type", equalTo("cloud")).body("job.is_active", equalTo(true)).body("job.is_terminal", equalTo(false))
                .body("job.error_message", nullValue());
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(200)
                .body("success", equalTo(true)).body("job_id", equalTo(jobId)).body("status", equalTo("cancelled"))
                .body("is_terminal", equalTo(true));
        Caller.operator().delete("/api/cloud/jobs/" + jobId).then().statusCode(200)
                .body("success", equalTo(true)).body("job_id", equalTo(jobId));
        Caller.viewer().get("/api/cloud/jobs/" + jobId + "/logs").then().statusCode(404);
    }

    @Test
    void aJobsLogIsReadWholeAndFollowedLineByLineUntilItEnds() throws Exception {
        String jobId = submit("followed");
        Caller.viewer().get("/api/cloud/jobs/" + jobId + "/logs").then().statusCode(200)
                .body("job_id", equalTo(jobId)).body("logs", equalTo(""));
        report(jobId, "msg_" + jobId + "_1", "processing", "loading model\nepoch 1\n");

        HttpRequest follow = HttpRequest.newBuilder(URI.create(jobsUrl + "/" + jobId + "/logs/stream"))
                .header("X-Tuneops-Gateway-Secret", Caller.GATEWAY_SECRET).header("X-Tuneops-Actor", "key_test_viewer")
                .header("X-Tuneops-Scopes", "viewer").header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build();
        HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(follow, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        List<String> seen = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            // what was logged before the stream began comes first, then each report's new lines as they arrive
            readData(lines, seen, 2);
            report(jobId, "msg_" + jobId + "_2", "processing", "loading model\nepoch 1\nepoch 2\n");
            readData(lines, seen, 1);
            report(jobId, "msg_" + jobId + "_3", "succeeded", "loading model\nepoch 1\nepoch 2\nsaved");
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isEmpty() && !line.startsWith(":")) {
                    seen.add(line);
                }
            }
        }
        assertEquals(List.of("data:loading model", "data:epoch 1", "data:epoch 2", "data:saved", "event:done", "data:completed",
                "event:done", "data:stream_end"), seen.stream().map(l -> l.replace(": ", ":")).toList());
        Caller.viewer().get("/api/cloud/jobs/" + jobId + "/inline-progress").then().statusCode(200)
                .body("stage", equalTo("completed")).body("last_log", equalTo("saved"));

        HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(jobsUrl + "/job_nobody/logs/stream"))
                .header("X-Tuneops-Gateway-Secret", Caller.GATEWAY_SECRET).header("X-Tuneops-Actor", "key_test_viewer")
                .header("X-Tuneops-Scopes", "viewer").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode());
    }

    @Test
    void aReplicaFollowsAtMostItsShareOfLogsAtATime() throws Exception {
        String jobId = submit("watched by many");
        HttpClient client = HttpClient.newHttpClient();
        List<HttpResponse<java.io.InputStream>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                HttpResponse<java.io.InputStream> stream = client.send(follow(jobId), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, stream.statusCode());
                open.add(stream);
            }
            HttpResponse<String> refused = client.send(follow(jobId), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("30", refused.headers().firstValue("Retry-After").orElse(null));
            // a reader that goes away frees its place
            open.remove(0).body().close();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int status = 503;
            while (status == 503 && System.nanoTime() < deadline) {
                HttpResponse<java.io.InputStream> again = client.send(follow(jobId), HttpResponse.BodyHandlers.ofInputStream());
                status = again.statusCode();
                if (status == 200) {
                    open.add(again);
                } else {
                    again.body().close();
                }
            }
            assertEquals(200, status);
        } finally {
            for (HttpResponse<java.io.InputStream> stream : open) {
                stream.body().close();
            }
        }
    }

    private HttpRequest follow(String jobId) {
        return HttpRequest.newBuilder(URI.create(jobsUrl + "/" + jobId + "/logs/stream"))
                .header("X-Tuneops-Gateway-Secret", Caller.GATEWAY_SECRET).header("X-Tuneops-Actor", "key_test_viewer")
                .header("X-Tuneops-Scopes", "viewer").header("Accept", "text/event-stream").build();
    }

    /** Reads the stream until {@code count} more data lines arrived (comments and blank lines pass). */
    private static void readData(BufferedReader lines, List<String> seen, int count) throws java.io.IOException {
        int read = 0;
        while (read < count) {
            String line = lines.readLine();
            if (line == null) {
                throw new AssertionError("the stream ended after " + seen);
            }
            if (line.startsWith("data")) {
                seen.add(line);
                read++;
            }
        }
    }
}
