package io.tuneops.webhook;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static io.tuneops.webhook.Caller.signedNow;
import static io.tuneops.webhook.Caller.snapshot;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generic provider end to end: submit, signed status reports, credentials, cancel, delete, limits. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class GenericJobLifecycleTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @BeforeEach
    void configureGeneric() {
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).put("webhook_require_signature", true)
                        .put("cost_limit", (Object) null).put("hardware_prices", new JsonObject().put("gpu-a100", 0.001)).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
    }

    static JsonPath submitGeneric(String body) {
        return Caller.operator().body(body).post("/api/cloud/jobs?provider=generic").then().statusCode(201)
                .extract().jsonPath();
    }

    static void report(String jobId, String webhookId, String body, int status) {
        signedNow(GENERIC_SECRET, webhookId, body).post("/api/webhooks/generic").then().statusCode(status);
    }

    private String status(String jobId) {
        return Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(200).extract().path("status");
    }

    @Test
    void aSubmitIssuesUploadCredentialsThatStorageCanReadAndADumpCannot() {
        JsonPath submitted = submitGeneric("{\"name\": \"lora-1\", \"hardware\": \"gpu-a100\"}");
        String jobId = submitted.getString("job_id");
        assertEquals("pending", submitted.getString("status"));
        String keyId = submitted.getString("upload_credentials.access_key_id");
        String secret = submitted.getString("upload_credentials.secret_access_key");
        assertEquals("http://localhost:8080/api/cloud/storage", submitted.getString("upload_credentials.endpoint_url"));
        assertEquals("outputs", submitted.getString("upload_credentials.bucket"));
        assertEquals(jobId + "/", submitted.getString("upload_credentials.prefix"));
        assertTrue(secret.length() >= 40);

        // storage-service's view: live in Redis with the job it belongs to; PostgreSQL holds only ciphertext
        JsonObject published = new JsonObject(redis.value(String.class).get("tuneops:upload-credentials:" + keyId));
        assertEquals(secret, published.getString("secret_access_key"));
        assertEquals(jobId, published.getString("job_id"));
        assertTrue(redis.key(String.class).ttl("tuneops:upload-credentials:" + keyId) > 6 * 86400);
        byte[] stored = pool.preparedQuery("SELECT secret_ciphertext FROM webhook.upload_credential WHERE access_key_id = $1")
                .execute(Tuple.of(keyId)).await().indefinitely().iterator().next().getBuffer(0).getBytes();
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains(secret));

        String read = Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(200)
                .body("upload_progress.bytes", equalTo(0)).extract().asString();
        assertFalse(read.contains(secret), "a job read never shows the upload secret");
    }

    @Test
    void aGenericJobIsDrivenBySignedReportsAndItsCredentialsExpireAfterTheGracePeriod() {
        JsonPath submitted = submitGeneric("{\"name\": \"lora-1\", \"hardware\": \"gpu-a100\"}");
        String jobId = submitted.getString("job_id");
        String keyId = submitted.getString("upload_credentials.access_key_id");

        report(jobId, "msg_" + jobId + "_1", snapshot(jobId, "starting"), 200);
        assertEquals("queued", status(jobId));
        report(jobId, "msg_" + jobId + "_2", "{\"id\":\"" + jobId + "\",\"status\":\"processing\",\"logs\":\"step 1\\nstep 2\"}", 200);
        // an older snapshot of the same status arriving late does not replace the newer log
        report(jobId, "msg_" + jobId + "_2_older", "{\"id\":\"" + jobId + "\",\"status\":\"processing\",\"logs\":\"step 1\"}", 200);
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("running"))
                .body("logs", equalTo("step 1\nstep 2")).body("started_at", notNullValue());
        String done = "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\",\"output\":{\"weights\":\"https://example.com/w.tar\"},"
                + "\"metrics\":{\"predict_time\":120.0}}";
        signedNow(GENERIC_SECRET, "msg_" + jobId + "_3", done).post("/api/webhooks/generic").then().statusCode(200)
                .body("status", equalTo("applied")).body("job_status", equalTo("completed"));
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("completed"))
                .body("cost_usd", equalTo(0.12f)).body("duration_seconds", equalTo(120.0f))
                .body("output_url", equalTo("https://example.com/w.tar")).body("completed_at", notNullValue())
                .body("output.weights", equalTo("https://example.com/w.tar"));
        long ttl = redis.key(String.class).ttl("tuneops:upload-credentials:" + keyId);
        assertTrue(ttl > 0 && ttl <= 15 * 60, "credentials live on for the 15-minute grace period only, ttl " + ttl);

        // the same delivery again, and a late out-of-order report: nothing changes
        signedNow(GENERIC_SECRET, "msg_" + jobId + "_3", done).post("/api/webhooks/generic").then().statusCode(200)
                .body("status", equalTo("duplicate")).body("job_id", equalTo(jobId)).body("job_status", equalTo("completed"));
        signedNow(GENERIC_SECRET, "msg_" + jobId + "_late", snapshot(jobId, "processing")).post("/api/webhooks/generic")
                .then().statusCode(200).body("status", equalTo("stale"));
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("completed")).body("cost_usd", equalTo(0.12f));
    }

    @Test
    void reportsForUnknownJobsAreAcknowledgedAsIgnoredAndAudited() {
        signedNow(GENERIC_SECRET, "msg_unknown_1", snapshot("job_does_not_exist", "succeeded")).post("/api/webhooks/generic")
                .then().statusCode(202).body("status", equalTo("ignored"));
        assertTrue(auditEvents().stream().anyMatch(e -> "webhook.ignored".equals(e.getString("type"))
                && e.getJsonObject("details").getString("provider_job_id").equals("job_does_not_exist")));
    }

    @Test
    void badlySignedDeliveriesAreRefusedAuditedAndChangeNothing() {
        String jobId = submitGeneric("{}").getString("job_id");
        String body = snapshot(jobId, "succeeded");
        long now = System.currentTimeMillis() / 1000;
        // wrong secret, stale timestamp, no signature headers
        Caller.signedNow("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), "msg_bad_1", body)
                .post("/api/webhooks/generic").then().statusCode(401).body("detail", equalTo("Invalid webhook signature"));
        Caller.signed(GENERIC_SECRET, "msg_bad_2", now - 600, body).post("/api/webhooks/generic").then().statusCode(401);
        RestAssured.given().contentType("application/json").body(body).post("/api/webhooks/generic").then().statusCode(401);
        // a body changed after signing
        Caller.signedNow(GENERIC_SECRET, "msg_bad_3", body).body(snapshot(jobId, "failed"))
                .post("/api/webhooks/generic").then().statusCode(401);
        assertTrue(auditEvents().stream().filter(e -> "webhook_rejected".equals(e.getString("type")))
                .anyMatch(e -> "198.51.100.7".equals(e.getString("actor_ip")) || e.getJsonObject("details").getString("path").equals("/api/webhooks/generic")));
        assertEquals("pending", status(jobId));
    }

    @Test
    void malformedDeliveriesAreRefusedAndNotRecorded() {
        String jobId = submitGeneric("{}").getString("job_id");
        String body = snapshot(jobId, "succeeded");
        // authentic but malformed
        signedNow(GENERIC_SECRET, "msg_bad_4", "{not json").post("/api/webhooks/generic").then().statusCode(400);
        signedNow(GENERIC_SECRET, "msg_bad_5", "[1,2]").post("/api/webhooks/generic").then().statusCode(400);
        signedNow(GENERIC_SECRET, "msg_bad_6", snapshot(jobId, "exploded")).post("/api/webhooks/generic").then().statusCode(400)
                .body("detail", containsString("status"));
        signedNow(GENERIC_SECRET, "msg_bad_7", "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":\"soon\"}}")
                .post("/api/webhooks/generic").then().statusCode(400);
        signedNow(GENERIC_SECRET, "msg_bad_nul", "{\"id\":\"" + jobId + "\\u0000\",\"status\":\"processing\"}")
                .post("/api/webhooks/generic").then().statusCode(400).body("detail", containsString("'id'"));
        Caller.operator().body("{\"input\": {\"prompt\": \"a\\u0000b\"}}").post("/api/cloud/jobs?provider=generic").then()
                .statusCode(400).body("detail", containsString("NUL"));
        // a long log is cut to its tail (LargeWebhookTest); any other field over 1 MB is refused
        String huge = "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\",\"output\":\"" + "x".repeat(1_100_000) + "\"}";
        signedNow(GENERIC_SECRET, "msg_bad_8", huge).post("/api/webhooks/generic").then().statusCode(413)
                .body("detail", containsString("besides its logs"));
        RestAssured.given().contentType("application/json").body(body).post("/api/webhooks/nobody").then().statusCode(404);
        assertEquals("pending", status(jobId));
        // the malformed ones were not recorded as deliveries: a corrected redelivery still applies
        signedNow(GENERIC_SECRET, "msg_bad_7", snapshot(jobId, "succeeded")).post("/api/webhooks/generic").then().statusCode(200)
                .body("status", equalTo("applied"));
    }

    @Test
    void aNulInAReportsTextIsKeptAsAReplacementCharacter() {
        String jobId = submitGeneric("{}").getString("job_id");
        // a training's log may hold a NUL; PostgreSQL's text cannot, and refusing would lose every later report
        report(jobId, "msg_" + jobId + "_nul", "{\"id\":\"" + jobId + "\",\"status\":\"processing\",\"logs\":\"a\\u0000b\","
                + "\"output\":{\"k\\u0000\":[\"v\\u0000\"]}}", 200);
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("running"))
                .body("logs", equalTo("a\uFFFDb")).body("output.'k\uFFFD'[0]", equalTo("v\uFFFD"));
        // an escaped backslash before u0000 is text, not a NUL
        report(jobId, "msg_" + jobId + "_backslash", "{\"id\":\"" + jobId + "\",\"status\":\"processing\",\"logs\":\"a\\\\u0000b and more\"}", 200);
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("logs", equalTo("a\\u0000b and more"));
    }

    @Test
    void aProviderMayExplicitlyTurnSignaturesOff() {
        String jobId = submitGeneric("{}").getString("job_id");
        Caller.admin().body("{\"webhook_require_signature\": false}").put("/api/cloud/providers/generic").then().statusCode(200);
        RestAssured.given().contentType("application/json").body(snapshot(jobId, "starting")).post("/api/webhooks/generic")
                .then().statusCode(200).body("job_status", equalTo("queued"));
        // without a webhook-id, the body's digest deduplicates
        RestAssured.given().contentType("application/json").body(snapshot(jobId, "starting")).post("/api/webhooks/generic")
                .then().statusCode(200).body("status", equalTo("duplicate"));
    }

    @Test
    void cancelAndDeleteFollowTheStateMachine() {
        String jobId = submitGeneric("{}").getString("job_id");
        Caller.operator().delete("/api/cloud/jobs/" + jobId).then().statusCode(409).body("status", equalTo("pending"));
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(200).body("status", equalTo("cancelled"));
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(409).body("status", equalTo("cancelled"))
                .body("detail", containsString("can no longer be cancelled"));
        // the runner's late report does not resurrect it
        report(jobId, "msg_" + jobId + "_after_cancel", snapshot(jobId, "processing"), 200);
        assertEquals("cancelled", status(jobId));
        assertTrue(auditEvents().stream().anyMatch(e -> "job.cancelled".equals(e.getString("type")) && jobId.equals(e.getString("target_id"))
                && "key_test_operator".equals(e.getString("actor"))));
        Caller.operator().delete("/api/cloud/jobs/" + jobId).then().statusCode(200);
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(404).body("detail", containsString("not found"));
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(404);
        Caller.operator().delete("/api/cloud/jobs/" + jobId).then().statusCode(404);
    }

    @Test
    void concurrentSubmitsWithOneIdempotencyKeyCreateOneJob() throws Exception {
        String key = "idem-" + System.nanoTime();
        int callers = 16;
        ExecutorService pool16 = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<JsonPath>> answers = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            answers.add(pool16.submit((Callable<JsonPath>) () -> {
                go.await();
                return Caller.operator().body("{\"idempotency_key\": \"" + key + "\"}").post("/api/cloud/jobs/submit?provider=generic")
                        .then().extract().jsonPath();
            }));
        }
        go.countDown();
        Set<String> ids = new HashSet<>();
        int withCredentials = 0;
        for (Future<JsonPath> answer : answers) {
            JsonPath json = answer.get();
            ids.add(json.getString("job_id"));
            if (json.get("upload_credentials") != null) {
                withCredentials++;
            }
        }
        pool16.shutdown();
        assertEquals(1, ids.size(), "one job for one key: " + ids);
        assertEquals(1, withCredentials, "credentials are handed out once");
        assertEquals(1L, pool.preparedQuery("SELECT count(*) FROM webhook.job WHERE idempotency_key = $1").execute(Tuple.of(key))
                .await().indefinitely().iterator().next().getLong(0));
        // another caller's identical key is another job
        Caller.as("key_someone_else").body("{\"idempotency_key\": \"" + key + "\"}").post("/api/cloud/jobs?provider=generic")
                .then().statusCode(201);
    }

    @Test
    void submissionsAreValidatedFieldByField() {
        Caller.operator().body("{\"provider\": \"replicate\", \"input\": 3, \"colour\": \"red\"}").post("/api/cloud/jobs").then()
                .statusCode(400).body("detail", equalTo("Invalid job"))
                .body("errors.field", hasItem("version")).body("errors.field", hasItem("destination"))
                .body("errors.field", hasItem("input")).body("errors.field", hasItem("colour"));
        Caller.operator().body("{}").post("/api/cloud/jobs?provider=aws").then().statusCode(400).body("errors.field", hasItem("provider"));
        Caller.operator().body("{oops").post("/api/cloud/jobs").then().statusCode(400);
        Caller.operator().body("[]").post("/api/cloud/jobs").then().statusCode(400);
    }

    @Test
    void listingFiltersCountsAndPages() {
        String tag = "list-" + System.nanoTime();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(submitGeneric("{\"name\": \"" + tag + "\"}").getString("job_id"));
        }
        report(created.get(0), "msg_" + created.get(0) + "_r", snapshot(created.get(0), "processing"), 200);
        JsonPath running = Caller.viewer().get("/api/cloud/jobs?status=running&provider=generic&limit=500").then().statusCode(200)
                .extract().jsonPath();
        assertTrue(running.getList("jobs.job_id").contains(created.get(0)));
        assertTrue(running.getList("jobs.status").stream().allMatch("running"::equals));
        // a deleted job stays in the table for the quotas, hidden from listings
        long total = pool.query("SELECT count(*) FROM webhook.job WHERE deleted_at IS NULL").execute().await().indefinitely()
                .iterator().next().getLong(0);
        JsonPath first = Caller.viewer().get("/api/cloud/jobs?limit=2").then().statusCode(200)
                .body("total", equalTo((int) total)).extract().jsonPath();
        assertEquals(2, first.getList("jobs").size());
        JsonPath second = Caller.viewer().get("/api/cloud/jobs?limit=2&cursor=" + first.getString("next_cursor")).then().statusCode(200)
                .extract().jsonPath();
        JsonPath byOffset = Caller.viewer().get("/api/cloud/jobs?limit=2&offset=2").then().statusCode(200).extract().jsonPath();
        assertEquals(byOffset.getList("jobs.job_id"), second.getList("jobs.job_id"));
        assertFalse(second.getList("jobs.job_id").contains(first.getList("jobs.job_id").get(0)));
        Caller.viewer().get("/api/cloud/jobs?status=exploded").then().statusCode(400);
        Caller.viewer().get("/api/cloud/jobs?limit=0").then().statusCode(400);
        Caller.viewer().get("/api/cloud/jobs?limit=abc").then().statusCode(400);
        Caller.viewer().get("/api/cloud/jobs?cursor=%%%").then().statusCode(400);
        Caller.viewer().get("/api/cloud/jobs?provider=nope").then().statusCode(400);
    }

    @Test
    void costLimitsWarnOrBlock() {
        String jobId = submitGeneric("{\"hardware\": \"gpu-a100\"}").getString("job_id");
        report(jobId, "msg_" + jobId + "_done", "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":10}}", 200);
        Caller.admin().body("{\"cost_limit\": {\"amount\": 0.001, \"period\": \"daily\", \"action\": \"warn\"}}")
                .put("/api/cloud/providers/generic").then().statusCode(200)
                .body("cost_limit.action", equalTo("warn"));
        Caller.operator().body("{}").post("/api/cloud/jobs?provider=generic").then().statusCode(201)
                .body("cost_limit_warning", containsString("Cost limit exceeded"));
        String key = "before-the-limit-" + System.nanoTime();
        String earlier = Caller.operator().body("{\"idempotency_key\": \"" + key + "\"}").post("/api/cloud/jobs?provider=generic")
                .then().statusCode(201).extract().path("job_id");
        Caller.admin().body("{\"cost_limit\": {\"amount\": 0.001, \"period\": \"monthly\", \"action\": \"block\"}}")
                .put("/api/cloud/providers/generic").then().statusCode(200);
        Caller.operator().body("{}").post("/api/cloud/jobs?provider=generic").then().statusCode(403)
                .body("detail", containsString("Cost limit reached"));
        // a retry of a submit made before the limit was reached gets its job back
        Caller.operator().body("{\"idempotency_key\": \"" + key + "\"}").post("/api/cloud/jobs?provider=generic")
                .then().statusCode(200).body("job_id", equalTo(earlier)).body("idempotent_replay", equalTo(true));
        Caller.admin().body("{\"cost_limit\": {\"amount\": -1, \"period\": \"hourly\", \"action\": \"panic\"}}")
                .put("/api/cloud/providers/generic").then().statusCode(400)
                .body("errors.find { it.field == 'cost_limit' }.message", containsString("period must be daily, weekly or monthly"));
        // the figures metrics-service exports
        RestAssured.given().get("/internal/jobs/figures").then().statusCode(403);
        Caller.admin().get("/internal/jobs/figures").then().statusCode(200)
                .body("providers.generic.cost_limit_percent_used", notNullValue())
                .body("circuit_breakers.generic.state", equalTo("closed"))
                .body("providers.generic.credit_balance", nullValue());
    }

    @Test
    void jobFiguresFollowTheJobsWithoutCountingTwice() {
        JsonPath before = Caller.admin().get("/internal/jobs/figures").then().statusCode(200).extract().jsonPath();
        String jobId = submitGeneric("{\"hardware\": \"gpu-a100\"}").getString("job_id");
        report(jobId, "msg_" + jobId + "_a", snapshot(jobId, "processing"), 200);
        String done = "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":1000}}";
        report(jobId, "msg_" + jobId + "_b", done, 200);
        report(jobId, "msg_" + jobId + "_b", done, 200);
        JsonPath after = Caller.admin().get("/internal/jobs/figures").then().statusCode(200).extract().jsonPath();
        assertEquals(before.getLong("jobs_total") + 1, after.getLong("jobs_total"));
        assertEquals(before.getLong("jobs_by_status.completed") + 1, after.getLong("jobs_by_status.completed"));
        assertEquals(before.getLong("jobs_by_status.running"), after.getLong("jobs_by_status.running"));
        assertEquals(before.getDouble("cost_usd_total") + 1.0, after.getDouble("cost_usd_total"), 1e-6);
        long active = pool.query("SELECT count(*) FROM webhook.job WHERE status IN ('pending','queued','running')").execute()
                .await().indefinitely().iterator().next().getLong(0);
        assertEquals(active, after.getLong("jobs_active"));
    }

    @Test
    void theTotalsTriggerWorksForSessionsOutsideTheServicesSearchPath() {
        String jobId = "job_psql_" + System.nanoTime();
        long deltas = pool.withTransaction(tx -> tx.query("SET LOCAL search_path = public").execute()
                        .chain(() -> tx.preparedQuery("INSERT INTO webhook.job (job_id, provider, status, submitted_by) "
                                + "VALUES ($1, 'generic', 'completed', 'restore')").execute(Tuple.of(jobId)))
                        .chain(() -> tx.query("SELECT count(*) FROM webhook.job_totals_delta").execute()))
                .await().indefinitely().iterator().next().getLong(0);
        assertTrue(deltas >= 1);
        Caller.operator().delete("/api/cloud/jobs/" + jobId).then().statusCode(200);
    }

    private List<JsonObject> auditEvents() {
        return redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+")).stream()
                .map(m -> new JsonObject(m.payload().get("event"))).toList();
    }
}
