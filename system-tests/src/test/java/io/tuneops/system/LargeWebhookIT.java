package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long training's webhook through the gateway: Replicate sends the whole log in every delivery,
 * so a 20 MB signed snapshot must be accepted, its status applied and its log's tail stored, while
 * webhook-service's heap (sampled from its own metrics during the delivery) grows by far less than
 * the body: it is verified and cut as it streams, never held whole.
 */
@ExtendWith(Suite.Extension.class)
class LargeWebhookIT {

    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final int BODY_BYTES = 20 << 20;
    /**
     * What the heap may grow by during the delivery, garbage included: a reader that buffers the
     * body holds it at least three times at once, all live (the bytes, a String and a parsed
     * copy). A streaming reader holds a few buffers, but the garbage of its chunks (the bytes read
     * and what the parser made of them), and of the heap sampler's own scrapes, stays on the heap
     * until the next young collection, which may come after the last sample: a full run once
     * measured 1.5 bodies (30.1 MiB). Two bodies keeps that apart from three.
     */
    static final long HEAP_GROWTH_BOUND = BODY_BYTES * 2L;
    static final int LOGS_TAIL = 65536;

    private final Suite suite = Suite.Extension.suite();
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    @Test
    void a20MbSignedSnapshotIsAppliedThroughTheGatewayWithBoundedHeap() throws Exception {
        assertEquals(200, Http.request("PUT", suite.gateway("/api/cloud/providers/generic"),
                "{\"webhook_secret\": \"" + WEBHOOK_SECRET + "\", \"webhook_allowed_ips\": [], \"hardware_prices\": {\"h100\": 0.002}}",
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json").status());
        Http.Reply submitted = Http.request("POST", suite.gateway("/api/cloud/jobs/submit?provider=generic"),
                "{\"name\": \"long training\", \"hardware\": \"h100\"}", "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(201, submitted.status(), submitted.body());
        String jobId = submitted.json().get("job_id").asText();

        String body = replicateShaped(jobId, BODY_BYTES, "step 99999: done, saving the LoRA");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length > BODY_BYTES);
        String webhookId = "msg_large_" + jobId;
        long ts = System.currentTimeMillis() / 1000;
        HttpRequest delivery = HttpRequest.newBuilder(URI.create(suite.gateway("/api/webhooks/generic")))
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("Content-Type", "application/json").header("webhook-id", webhookId)
                .header("webhook-timestamp", Long.toString(ts))
                .header("webhook-signature", new Webhook(WEBHOOK_SECRET).sign(webhookId, ts, body)).build();

        String metrics = suite.service("webhook-service").url("/q/metrics");
        long before = HeapSampler.heapUsed(Http.get(metrics, "Accept", "text/plain; version=0.0.4").body());
        Http.Reply answer;
        long peak;
        long samples;
        try (HeapSampler heap = new HeapSampler(metrics)) {
            answer = Http.send(delivery);
            heap.close();
            peak = heap.peakBytes();
            samples = heap.samples();
        }
        String figures = String.format("webhook-service heap: %.1f MiB before, %.1f MiB peak during a %.1f MiB delivery (%d samples)",
                before / 1048576.0, peak / 1048576.0, bytes.length / 1048576.0, samples);
        System.out.println(figures);
        assertEquals(200, answer.status(), answer.body());
        assertEquals("applied", answer.json().get("status").asText());
        assertEquals("running", answer.json().get("job_status").asText());
        assertTrue(samples >= 2, "too few heap samples: " + figures);
        assertTrue(peak - before < HEAP_GROWTH_BOUND, figures);

        JsonNode job = Http.get(suite.gateway("/api/cloud/jobs/" + jobId)).json();
        assertEquals("running", job.get("status").asText());
        String logs = job.get("logs").asText();
        assertEquals(LOGS_TAIL, logs.length());
        assertTrue(logs.endsWith("\nstep 99999: done, saving the LoRA"), logs.substring(logs.length() - 80));
        assertEquals(8.0, job.get("cost_usd").asDouble(), 1e-9, "4000 s on h100 at $0.002/s");
    }

    /** A Replicate training as its webhook posts it, with a log of about {@code logBytes}. */
    static String replicateShaped(String id, int logBytes, String lastLine) {
        StringBuilder log = new StringBuilder(logBytes + 200);
        for (int step = 0; log.length() < logBytes; step++) {
            log.append("step ").append(step).append(": loss=0.0421, lr=1e-4, \\\"ema\\\": 0.998\\n");
        }
        log.append(lastLine);
        return "{\"id\": \"" + id + "\", \"model\": \"acme/flux-dev\", \"version\": \"abc123\", \"status\": \"processing\","
                + " \"input\": {\"steps\": 100000, \"input_images\": \"https://example.com/images.zip\"},"
                + " \"logs\": \"" + log + "\", \"output\": null, \"error\": null, \"metrics\": {\"predict_time\": 4000},"
                + " \"created_at\": \"2026-12-06T01:00:00Z\", \"started_at\": \"2026-12-06T01:00:05Z\", \"completed_at\": null,"
                + " \"urls\": {\"get\": \"https://api.replicate.com/v1/trainings/" + id + "\"}}";
    }
}
