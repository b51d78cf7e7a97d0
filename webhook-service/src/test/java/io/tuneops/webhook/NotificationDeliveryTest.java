package io.tuneops.webhook;

import com.standardwebhooks.Webhook;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.webhook.service.notify.NotificationDispatcher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery end to end: events through the internal route, routed, signed and sent to local
 * receivers (Standard Webhooks verified by the reference library, a Slack-shaped one), retried
 * with backoff, failed and retried by hand, leases taken over, never sent twice while a lease holds.
 * The test profile retries after 200 ms (up to 1 s) and gives up after 3 attempts.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static LocalReceiver receiver;

    @Inject
    Pool pool;

    @Inject
    NotificationDispatcher dispatcher;

    private final List<String> channels = new ArrayList<>();

    @BeforeAll
    static void startReceiver() {
        receiver = new LocalReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @AfterEach
    void deleteChannels() {
        receiver.answer(r -> LocalReceiver.Answer.ok());
        channels.forEach(id -> Caller.admin().delete("/api/cloud/notifications/channels/" + id));
    }

    private JsonObject endpoint(String path, String... types) {
        JsonObject endpoint = NotifyFixtures.endpoint(receiver.url(path), types);
        channels.add(endpoint.getString("id"));
        return endpoint;
    }

    private static void verify(String secret, LocalReceiver.Received r) throws Exception {
        Map<String, List<String>> headers = new HashMap<>(r.headers());
        new Webhook(secret).verify(r.body(), headers);
    }

    private Row deliveryOf(String eventId, String channelId) {
        return NotifyFixtures.delivery(pool, eventId, channelId);
    }

    private Row awaitStatus(String eventId, String channelId, String status) {
        Poll.until(WAIT, "delivery of " + eventId + " " + status, () -> status.equals(NotifyFixtures.status(pool, eventId, channelId)));
        return deliveryOf(eventId, channelId);
    }

    @Test
    void aStandardWebhooksDeliveryIsSignedAndCarriesWhatAPersonNeeds() throws Exception {
        JsonObject endpoint = endpoint("/hooks/signed", "job.*");
        String user = NotifyFixtures.id("usr");
        JsonObject event = NotifyFixtures.event("job.failed", user);
        String eventId = NotifyFixtures.ingest(event);
        Row delivered = awaitStatus(eventId, endpoint.getString("id"), "delivered");
        assertEquals(1, delivered.getInteger("attempts"));
        assertEquals(200, delivered.getInteger("last_status_code"));

        List<LocalReceiver.Received> got = receiver.withId(eventId);
        assertEquals(1, got.size());
        LocalReceiver.Received r = got.get(0);
        verify(endpoint.getString("secret"), r);
        assertEquals("application/json", r.header("content-type"));
        JsonObject body = new JsonObject(r.body());
        assertEquals("job.failed", body.getString("type"));
        assertNotNull(body.getString("timestamp"));
        JsonObject data = body.getJsonObject("data");
        assertEquals(eventId, data.getString("event_id"));
        assertEquals("error", data.getString("severity"));
        assertEquals("CUDA out of memory", data.getString("error"));
        assertEquals(event.getString("job_id"), data.getString("job_id"));
        assertEquals("Job 'fine-tune job.failed' failed", data.getString("title"));
        assertTrue(data.getString("message").contains("CUDA out of memory"), data.getString("message"));
        assertEquals("http://localhost:8080/jobs/" + event.getString("job_id"), data.getString("url"));

        // a signature made with another secret does not verify: the receiver's check is real
        try {
            verify("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]), r);
            throw new AssertionError("verified with the wrong secret");
        } catch (com.standardwebhooks.exceptions.WebhookVerificationException expected) {
            // as it should
        }
        Caller.admin().get("/api/cloud/notifications/history?channel_id=" + endpoint.getString("id")).then().statusCode(200)
                .body("entries[0].event_id", equalTo(eventId)).body("entries[0].delivery_status", equalTo("delivered"))
                .body("entries[0].channel_type", equalTo("webhook")).body("entries[0].job_id", equalTo(event.getString("job_id")))
                .body("total", equalTo(1)).body("has_more", equalTo(false));
    }

    @Test
    void aSlackShapedReceiverGetsTextAndBlocks() {
        String path = "/services/T1/B1/" + NotifyFixtures.id("tok");
        String slack = Caller.admin().body(new JsonObject().put("channel_type", "slack").put("name", "team slack")
                .put("slack_webhook_url", receiver.url(path)).encode()).post("/api/cloud/notifications/channels")
                .then().statusCode(201).extract().path("id");
        channels.add(slack);
        String user = NotifyFixtures.id("usr");
        Caller.person(user, "viewer", null).body(new JsonObject().put("event_type", "approval.*").put("channel_id", slack).encode())
                .post("/api/cloud/notifications/preferences").then().statusCode(201);
        String eventId = NotifyFixtures.ingest(new JsonObject().put("event_type", "approval.requested").put("user_id", user)
                .put("job_id", "job_slack").put("data", new JsonObject().put("name", "llama lora").put("reason", "over budget")
                        .put("estimated_cost_usd", 120.5).put("username", "alice").put("required_role", "admin")));
        awaitStatus(eventId, slack, "delivered");
        List<LocalReceiver.Received> got = receiver.onPath(path);
        assertEquals(1, got.size());
        JsonObject payload = new JsonObject(got.get(0).body());
        String text = payload.getString("text");
        assertTrue(text.startsWith("Approval needed for 'llama lora': "), text);
        assertTrue(text.contains("over budget") && text.contains("$120.50") && text.endsWith("http://localhost:8080/approvals"), text);
        JsonArray blocks = payload.getJsonArray("blocks");
        assertEquals("section", blocks.getJsonObject(0).getString("type"));
        assertEquals("mrkdwn", blocks.getJsonObject(0).getJsonObject("text").getString("type"));
        assertTrue(blocks.getJsonObject(0).getJsonObject("text").getString("text").contains("<http://localhost:8080/approvals|"));
        assertEquals("context", blocks.getJsonObject(1).getString("type"));
        assertEquals("approval.requested · warning", blocks.getJsonObject(1).getJsonArray("elements").getJsonObject(0).getString("text"));
        // the Slack URL is a secret: not in the history either
        String history = Caller.admin().get("/api/cloud/notifications/history?channel_id=" + slack).then().statusCode(200)
                .extract().asString();
        assertTrue(!history.contains(path) && history.contains(eventId), history);
    }

    @Test
    void aReceiverThatFailsIsRetriedWithBackoffAndTheSameWebhookId() throws Exception {
        JsonObject endpoint = endpoint("/hooks/flaky", "quota.*");
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(r -> r.path().equals("/hooks/flaky") && calls.incrementAndGet() == 1
                ? new LocalReceiver.Answer(503, 0) : LocalReceiver.Answer.ok());
        double retriesBefore = deliveries("webhook", "retry");
        String eventId = NotifyFixtures.ingest(new JsonObject().put("event_type", "quota.warning")
                .put("data", new JsonObject().put("quota_type", "cost_daily").put("limit", 100).put("used", 85).put("percent", 85)));
        Row delivered = awaitStatus(eventId, endpoint.getString("id"), "delivered");
        assertEquals(2, delivered.getInteger("attempts"));
        List<LocalReceiver.Received> got = receiver.withId(eventId);
        assertEquals(2, got.size());
        for (LocalReceiver.Received r : got) {
            verify(endpoint.getString("secret"), r);
        }
        // backoff-initial 200 ms times a jitter of at least 0.5
        assertTrue(Duration.between(got.get(0).at(), got.get(1).at()).toMillis() >= 100,
                "retried after " + Duration.between(got.get(0).at(), got.get(1).at()));
        assertTrue(deliveries("webhook", "retry") >= retriesBefore + 1);
    }

    @Test
    void afterTheLastAttemptADeliveryIsFailedAndARetryDeliversIt() {
        JsonObject endpoint = endpoint("/hooks/down", "cost.threshold");
        receiver.answer(r -> r.path().equals("/hooks/down") ? new LocalReceiver.Answer(503, 0) : LocalReceiver.Answer.ok());
        double failedBefore = deliveries("webhook", "failed");
        String eventId = NotifyFixtures.ingest(new JsonObject().put("event_type", "cost.threshold").put("severity", "error")
                .put("data", new JsonObject().put("threshold", 100).put("spent_usd", 500).put("limit_usd", 500).put("scope", "org")
                        .put("scope_id", "org_1")));
        Row failed = awaitStatus(eventId, endpoint.getString("id"), "failed");
        assertEquals(3, failed.getInteger("attempts"));
        assertEquals(503, failed.getInteger("last_status_code"));
        assertTrue(failed.getString("last_error").startsWith("HTTP 503"), failed.getString("last_error"));
        assertEquals(3, receiver.withId(eventId).size());
        assertEquals(failedBefore + 1, deliveries("webhook", "failed"));
        long id = failed.getLong("id");
        Caller.admin().get("/api/cloud/notifications/history?status=failed&event_type=cost.threshold").then().statusCode(200)
                .body("entries.find { it.id == " + id + " }.attempts", equalTo(3));

        receiver.answer(r -> LocalReceiver.Answer.ok());
        Caller.operator().post("/api/cloud/notifications/history/" + id + "/retry").then().statusCode(403);
        Caller.admin().post("/api/cloud/notifications/history/" + id + "/retry").then().statusCode(200)
                .body("delivery_status", equalTo("pending")).body("attempts", equalTo(0));
        awaitStatus(eventId, endpoint.getString("id"), "delivered");
        assertEquals(4, receiver.withId(eventId).size());
        Caller.admin().post("/api/cloud/notifications/history/" + id + "/retry").then().statusCode(409);
        Caller.admin().post("/api/cloud/notifications/history/999999999/retry").then().statusCode(404);
    }

    @Test
    void aDeliveryWhoseLeaseRanOutIsTakenOverAndOneWhoseLeaseHoldsIsNot() {
        JsonObject endpoint = endpoint("/hooks/lease", "system.circuit_open");
        String channel = endpoint.getString("id");
        String abandoned = NotifyFixtures.id("evt_abandoned");
        String held = NotifyFixtures.id("evt_held");
        // as a dispatcher killed mid-delivery leaves them: delivering, one lease run out, the other not
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO webhook.notification_event (event_id, event_type, severity, data, "
                                + "routed_at) VALUES ($1, 'system.circuit_open', 'critical', '{\"provider\": \"replicate\"}', now()), "
                                + "($2, 'system.circuit_open', 'critical', '{}', now())").execute(Tuple.of(abandoned, held))
                        .chain(() -> tx.preparedQuery("INSERT INTO webhook.notification_delivery (event_id, channel_id, status, attempts, "
                                + "next_attempt_at, lease_until) VALUES ($1, $3, 'delivering', 1, now() - interval '1 minute', "
                                + "now() - interval '1 second'), ($2, $3, 'delivering', 1, now() - interval '1 minute', "
                                + "now() + interval '1 hour')").execute(Tuple.of(abandoned, held, channel))))
                .await().indefinitely();
        Row taken = awaitStatus(abandoned, channel, "delivered");
        assertEquals(2, taken.getInteger("attempts"));
        assertEquals(1, receiver.withId(abandoned).size());
        Row stillHeld = deliveryOf(held, channel);
        assertEquals("delivering", stillHeld.getString("status"));
        assertEquals(1, stillHeld.getInteger("attempts"));
        assertEquals(0, receiver.withId(held).size());
    }

    @Test
    void concurrentDispatchPassesNeverSendADeliveryTwiceWhileItsLeaseHolds() throws Exception {
        JsonObject endpoint = endpoint("/hooks/slow", "upload.completed");
        receiver.answer(r -> r.path().equals("/hooks/slow") ? new LocalReceiver.Answer(200, 1500) : LocalReceiver.Answer.ok());
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(NotifyFixtures.ingest(new JsonObject().put("event_type", "upload.completed").put("job_id", "job_up")
                    .put("data", new JsonObject().put("position", "first").put("key", "job_up/ckpt-" + i).put("size_bytes", 1 << 20))));
        }
        ExecutorService pool8 = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> passes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                passes.add(pool8.submit(() -> dispatcher.dispatchPass().await().atMost(Duration.ofSeconds(10))));
            }
            for (Future<Integer> pass : passes) {
                pass.get();
            }
        } finally {
            pool8.shutdown();
        }
        for (String eventId : events) {
            Row delivered = awaitStatus(eventId, endpoint.getString("id"), "delivered");
            // every claim adds an attempt: one attempt means one claim, whichever pass made it
            assertEquals(1, delivered.getInteger("attempts"), eventId);
            assertEquals(1, receiver.withId(eventId).size(), eventId);
        }
    }

    @Test
    void theMetricsAreExported() {
        String text = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        for (String type : new String[]{"email", "slack", "webhook"}) {
            for (String outcome : new String[]{"delivered", "retry", "failed"}) {
                deliveries(type, outcome);
            }
        }
        assertTrue(text.contains("tuneops_notification_dispatch_lag_seconds_bucket"), "lag histogram");
        assertTrue(text.contains("tuneops_notification_pending "), "pending gauge");
        assertTrue(text.contains("tuneops_notification_failed "), "failed gauge");
    }

    static double deliveries(String channelType, String outcome) {
        String text = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^tuneops_notification_deliveries_total\\{(?=[^}]*channel_type=\"" + channelType
                + "\")(?=[^}]*outcome=\"" + outcome + "\")[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no deliveries series for " + channelType + "/" + outcome);
        }
        return Double.parseDouble(m.group(1));
    }
}
