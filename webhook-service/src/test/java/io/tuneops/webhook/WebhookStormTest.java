package io.tuneops.webhook;

import com.standardwebhooks.Webhook;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * At-least-once delivery as providers do it: 10,000 signed deliveries for 300 jobs, a fifth of
 * them sent twice, all shuffled and sent concurrently. Every job must end in its final state, every
 * duplicate must be recognised, and the maintained totals must show each job counted exactly once
 * in its final state (a double transition would leave a non-terminal status off by one).
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class WebhookStormTest {

    private static final int JOBS = 300;
    private static final int DELIVERIES = 10_000;

    @TestHTTPResource("/api/webhooks/generic")
    URI receiver;

    @Inject
    Pool pool;

    record Delivery(String id, String body) {
    }

    @Test
    void tenThousandShuffledDeliveriesWithDuplicatesLeaveEveryJobInItsFinalStateOnce() throws Exception {
        Caller.admin().body(new JsonObject().put("webhook_secret", Caller.GENERIC_SECRET).put("webhook_require_signature", true)
                        .put("hardware_prices", new JsonObject().put("storm-gpu", 0.5)).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
        JsonPath before = Caller.admin().get("/internal/jobs/figures").then().statusCode(200).extract().jsonPath();

        Random random = new Random(42);
        String[] finals = {"succeeded", "failed", "canceled"};
        Map<String, String> expected = new HashMap<>();
        List<Delivery> unique = new ArrayList<>();
        for (int j = 0; j < JOBS; j++) {
            String jobId = GenericJobLifecycleTest.submitGeneric("{\"hardware\": \"storm-gpu\"}").getString("job_id");
            String last = finals[random.nextInt(finals.length)];
            expected.put(jobId, switch (last) {
                case "succeeded" -> "completed";
                case "failed" -> "failed";
                default -> "cancelled";
            });
            unique.add(new Delivery(jobId + "-start", Caller.snapshot(jobId, "starting")));
            unique.add(new Delivery(jobId + "-final", "{\"id\":\"" + jobId + "\",\"status\":\"" + last
                    + "\",\"metrics\":{\"predict_time\":2}}"));
        }
        int logDeliveries = (DELIVERIES * 4 / 5) - unique.size();
        List<String> jobIds = new ArrayList<>(expected.keySet());
        for (int i = 0; i < logDeliveries; i++) {
            String jobId = jobIds.get(random.nextInt(JOBS));
            unique.add(new Delivery(jobId + "-log-" + i, "{\"id\":\"" + jobId + "\",\"status\":\"processing\",\"logs\":\"line " + i + "\"}"));
        }
        List<Delivery> sends = new ArrayList<>(unique);
        while (sends.size() < DELIVERIES) {
            sends.add(unique.get(random.nextInt(unique.size())));
        }
        Collections.shuffle(sends, random);
        int duplicatesSent = DELIVERIES - unique.size();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Webhook signer = new Webhook(Caller.GENERIC_SECRET);
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<Future<?>> work = new ArrayList<>();
        for (Delivery d : sends) {
            work.add(senders.submit(() -> {
                long ts = System.currentTimeMillis() / 1000;
                HttpRequest request = HttpRequest.newBuilder(receiver).timeout(Duration.ofSeconds(30))
                        .header("content-type", "application/json")
                        .header("webhook-id", "storm_" + d.id())
                        .header("webhook-timestamp", Long.toString(ts))
                        .header("webhook-signature", signer.sign("storm_" + d.id(), ts, d.body()))
                        .POST(HttpRequest.BodyPublishers.ofString(d.body())).build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                String outcome = response.statusCode() + ":" + new JsonObject(response.body()).getString("status");
                outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        senders.shutdown();

        assertEquals(duplicatesSent, outcomes.getOrDefault("200:duplicate", new AtomicInteger()).get(), "outcomes " + outcomes);
        int acknowledged = outcomes.getOrDefault("200:applied", new AtomicInteger()).get()
                + outcomes.getOrDefault("200:stale", new AtomicInteger()).get();
        assertEquals(unique.size(), acknowledged, "every unique delivery applied or recognised as stale: " + outcomes);

        Map<String, String> actual = new HashMap<>();
        pool.query("SELECT job_id, status FROM webhook.job WHERE hardware = 'storm-gpu'").execute().await().indefinitely()
                .forEach(r -> actual.put(r.getString("job_id"), r.getString("status")));
        assertEquals(expected, actual);
        assertEquals((long) unique.size(), pool.query("SELECT count(*) FROM webhook.webhook_delivery WHERE webhook_id LIKE 'storm_%'")
                .execute().await().indefinitely().iterator().next().getLong(0));

        JsonPath after = Caller.admin().get("/internal/jobs/figures").then().statusCode(200).extract().jsonPath();
        Map<String, Long> finalCounts = new HashMap<>();
        expected.values().forEach(s -> finalCounts.merge(s, 1L, Long::sum));
        for (String status : List.of("pending", "queued", "running", "completed", "failed", "cancelled")) {
            assertEquals(before.getLong("jobs_by_status." + status) + finalCounts.getOrDefault(status, 0L),
                    after.getLong("jobs_by_status." + status), "jobs_by_status." + status);
        }
        assertEquals(before.getDouble("cost_usd_total") + JOBS * 1.0, after.getDouble("cost_usd_total"), 1e-6,
                "each job's cost (2 s at $0.5/s) counted once");
    }
}
