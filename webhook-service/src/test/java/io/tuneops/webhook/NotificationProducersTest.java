package io.tuneops.webhook;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.mutiny.Uni;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.service.JobStallWatchdog;
import io.tuneops.webhook.service.JobTransitions;
import io.tuneops.webhook.service.JobWriter;
import io.tuneops.webhook.service.ProviderHealthChecks;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static io.tuneops.webhook.Caller.signedNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The events webhook-service is the source of, as they land in the notification outbox: each once,
 * with its data and subject, when (and only when) the change it reports is committed.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationProducersTest {

    private static WireMockServer replicate;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobRepository jobs;

    @Inject
    JobWriter writer;

    @Inject
    JobStallWatchdog watchdog;

    @Inject
    ProviderHealthChecks health;

    @Inject
    CircuitBreakerMaintenance breakers;

    private final List<String> quotas = new ArrayList<>();
    private String user;
    private String team;
    private String org;

    @BeforeAll
    static void fakeReplicate() {
        replicate = new WireMockServer(wireMockConfig().dynamicPort());
        replicate.start();
    }

    @AfterAll
    static void stopReplicate() {
        replicate.stop();
    }

    @BeforeEach
    void freshPeople() {
        user = QuotaTest.id("usr");
        team = QuotaTest.id("team");
        org = QuotaTest.id("org");
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).put("webhook_require_signature", true)
                        .put("cost_limit", (Object) null).put("hardware_prices", new JsonObject().put("gpu-a100", 0.001)).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
    }

    @AfterEach
    void cleanUp() {
        quotas.forEach(id -> Caller.admin().delete("/api/quotas/" + id));
    }

    // ---- helpers ----

    private RequestSpecification me() {
        return Caller.person(user, "operator", org, team);
    }

    private JsonPath submit(int status, String body) {
        return me().body(body).post("/api/cloud/jobs/submit?provider=generic").then().statusCode(status).extract().jsonPath();
    }

    private String submitted(String name) {
        return submit(201, "{\"name\": \"" + name + "\", \"hardware\": \"gpu-a100\"}").getString("job_id");
    }

    private static void report(String jobId, String body) {
        signedNow(GENERIC_SECRET, "msg_" + QuotaTest.id("n"), body).post("/api/webhooks/generic").then().statusCode(200);
    }

    private static void reportStatus(String jobId, String status) {
        report(jobId, "{\"id\":\"" + jobId + "\",\"status\":\"" + status + "\"}");
    }

    private String quota(String type, Object limit, String action) {
        String id = Caller.admin().body(new JsonObject().put("quota_type", type).put("limit_value", limit).put("action", action)
                .put("user_id", user).encode()).post("/api/quotas").then().statusCode(201).extract().path("id");
        quotas.add(id);
        return id;
    }

    private List<JsonObject> events(String sql, Object... params) {
        List<JsonObject> found = new ArrayList<>();
        for (Row r : pool.preparedQuery("SELECT event_id, event_type, severity, job_id, user_id, team_id, org_id, data, routed_at "
                + "FROM webhook.notification_event WHERE " + sql + " ORDER BY seq").execute(Tuple.from(params)).await().indefinitely()) {
            found.add(r.toJson());
        }
        return found;
    }

    private List<JsonObject> jobEvents(String jobId) {
        return events("job_id = $1", jobId);
    }

    private List<JsonObject> ofType(String type, String jobId) {
        return events("event_type = $1 AND job_id = $2", type, jobId);
    }

    private static List<String> types(List<JsonObject> events) {
        return events.stream().map(e -> e.getString("event_type")).toList();
    }

    private void assertSubject(JsonObject event, String jobId) {
        assertEquals(jobId, event.getString("job_id"), event.encode());
        assertEquals(user, event.getString("user_id"), event.encode());
        assertEquals(team, event.getString("team_id"), event.encode());
        assertEquals(org, event.getString("org_id"), event.encode());
        assertTrue(event.getString("event_id").matches("evt_[A-Za-z0-9_.:-]{1,116}"), event.getString("event_id"));
    }

    private void sql(String statement, Object... params) {
        pool.preparedQuery(statement).execute(Tuple.from(params)).await().indefinitely();
    }

    // ---- job.* ----

    @Test
    void aJobsLifeIsReportedOnceForEachStatusItReaches() {
        String jobId = submitted("lora-notify");
        List<JsonObject> events = jobEvents(jobId);
        assertEquals(List.of("job.submitted"), types(events));
        JsonObject submittedEvent = events.get(0);
        assertSubject(submittedEvent, jobId);
        assertEquals("info", submittedEvent.getString("severity"));
        JsonObject data = submittedEvent.getJsonObject("data");
        assertEquals(jobId, data.getString("job_id"));
        assertEquals("lora-notify", data.getString("name"));
        assertEquals("pending", data.getString("status"));
        assertEquals("generic", data.getString("provider"));
        assertEquals("gpu-a100", data.getString("hardware"));
        assertEquals("name-" + user, data.getString("username"));
        assertEquals(jobId, data.getString("provider_job_id"));
        assertEquals(0, data.getInteger("cost_usd"));
        assertTrue(data.containsKey("error") && data.containsKey("estimated_cost_usd"), data.encode());

        reportStatus(jobId, "starting");
        reportStatus(jobId, "processing");
        reportStatus(jobId, "processing");
        report(jobId, "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":120}}");
        // a late report of a finished job changes nothing
        reportStatus(jobId, "failed");
        events = jobEvents(jobId);
        assertEquals(List.of("job.submitted", "job.started", "job.completed"), types(events));
        assertEquals("running", events.get(1).getJsonObject("data").getString("status"));
        JsonObject completed = events.get(2);
        assertSubject(completed, jobId);
        assertEquals("completed", completed.getJsonObject("data").getString("status"));
        assertEquals(0.12, completed.getJsonObject("data").getDouble("cost_usd"), 1e-9);

        String failing = submitted("lora-fails");
        report(failing, "{\"id\":\"" + failing + "\",\"status\":\"failed\",\"error\":\"CUDA out of memory\"}");
        JsonObject failed = ofType("job.failed", failing).get(0);
        assertEquals("error", failed.getString("severity"));
        assertEquals("CUDA out of memory", failed.getJsonObject("data").getString("error"));
        assertEquals(List.of("job.submitted", "job.failed"), types(jobEvents(failing)));

        String cancelled = submitted("lora-cancel");
        reportStatus(cancelled, "processing");
        me().post("/api/cloud/jobs/" + cancelled + "/cancel").then().statusCode(200);
        assertEquals(List.of("job.submitted", "job.started", "job.cancelled"), types(jobEvents(cancelled)));
        JsonObject cancel = ofType("job.cancelled", cancelled).get(0);
        assertEquals("warning", cancel.getString("severity"));
        assertSubject(cancel, cancelled);
    }

    @Test
    void aRolledBackChangeLeavesNoEvent() {
        String jobId = submitted("rolled-back");
        redis.hash(String.class).hset("tuneops:upload-progress:" + jobId, Map.of("objects", "2", "bytes", "10"));
        var job = jobs.find(jobId).await().indefinitely().orElseThrow();
        IllegalStateException refused = new IllegalStateException("the change must not stand");
        assertThrows(IllegalStateException.class, () -> jobs.transaction(tx -> writer.save(tx,
                        JobTransitions.failed(job, "rolled back")).chain(saved -> Uni.createFrom().<Object>failure(refused)))
                .await().indefinitely());
        assertEquals("pending", Caller.viewer().get("/api/cloud/jobs/" + jobId).then().extract().path("status"));
        assertEquals(List.of("job.submitted"), types(jobEvents(jobId)));
        // the same change committed: both events
        jobs.transaction(tx -> writer.save(tx, JobTransitions.failed(job, "committed"))).await().indefinitely();
        assertEquals(List.of("job.submitted", "job.failed", "upload.completed"), types(jobEvents(jobId)));
        redis.key(String.class).del("tuneops:upload-progress:" + jobId);
    }

    // ---- upload.completed (last) ----

    @Test
    void aFinishedJobThatUploadedReportsItsLastCheckpoint() {
        String jobId = submitted("uploads");
        reportStatus(jobId, "processing");
        redis.hash(String.class).hset("tuneops:upload-progress:" + jobId, Map.of("objects", "3", "bytes", "4096",
                "last_upload_at", Instant.now().toString(), "last_key", jobId + "/checkpoints/step-300.safetensors"));
        reportStatus(jobId, "succeeded");
        List<JsonObject> uploads = ofType("upload.completed", jobId);
        assertEquals(1, uploads.size());
        JsonObject event = uploads.get(0);
        assertSubject(event, jobId);
        assertEquals("info", event.getString("severity"));
        assertEquals("evt_upload_last_" + jobId, event.getString("event_id"));
        JsonObject data = event.getJsonObject("data");
        assertEquals("last", data.getString("position"));
        assertEquals(3, data.getInteger("objects"));
        assertEquals(4096, data.getInteger("bytes"));
        assertEquals(jobId + "/checkpoints/step-300.safetensors", data.getString("key"));
        assertEquals("outputs", data.getString("bucket"));
        assertEquals(jobId, data.getString("job_id"));
        redis.key(String.class).del("tuneops:upload-progress:" + jobId);

        String nothing = submitted("no uploads");
        reportStatus(nothing, "succeeded");
        assertEquals(List.of(), ofType("upload.completed", nothing));
        assertEquals(1, ofType("job.completed", nothing).size());
    }

    // ---- approval.* ----

    @Test
    void approvalRequestsAreReportedWhenMadeAndWhenDecided() {
        quota("concurrent_jobs", 1, "require_approval");
        submitted("first");
        JsonPath approvedJob = submit(202, "{\"name\": \"to approve\", \"hardware\": \"gpu-a100\", \"max_run_seconds\": 60}");
        JsonPath rejectedJob = submit(202, "{\"name\": \"to reject\", \"hardware\": \"gpu-a100\"}");
        JsonPath expiredJob = submit(202, "{\"name\": \"to expire\", \"hardware\": \"gpu-a100\"}");
        JsonPath cancelledJob = submit(202, "{\"name\": \"to cancel\", \"hardware\": \"gpu-a100\"}");

        String approved = approvedJob.getString("job_id");
        String request = approvedJob.getString("approval_request_id");
        assertEquals(List.of("job.submitted", "approval.requested"), types(jobEvents(approved)));
        JsonObject requested = ofType("approval.requested", approved).get(0);
        assertSubject(requested, approved);
        assertEquals("warning", requested.getString("severity"));
        JsonObject data = requested.getJsonObject("data");
        assertEquals(request, data.getString("request_id"));
        assertEquals(approved, data.getString("job_id"));
        assertTrue(data.getString("reason").startsWith("Quota requires approval"), data.encode());
        assertEquals("generic", data.getString("provider"));
        assertEquals("gpu-a100", data.getString("hardware"));
        assertEquals(0.06, data.getDouble("estimated_cost_usd"), 1e-9);
        assertEquals("name-" + user, data.getString("username"));
        assertEquals("admin", data.getString("required_role"));
        assertNull(data.getString("reviewed_by"));
        assertTrue(data.getString("expires_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), data.encode());
        assertEquals("pending_approval", ofType("job.submitted", approved).get(0).getJsonObject("data").getString("status"));

        Caller.admin().body("{\"notes\": \"fits\"}").post("/api/approvals/requests/" + request + "/approve").then().statusCode(200);
        Caller.admin().body("{}").post("/api/approvals/requests/" + request + "/approve").then().statusCode(409);
        JsonObject approval = ofType("approval.approved", approved).get(0);
        assertEquals("info", approval.getString("severity"));
        assertEquals("key_test_admin", approval.getJsonObject("data").getString("reviewed_by"));
        assertEquals("fits", approval.getJsonObject("data").getString("review_notes"));
        assertSubject(approval, approved);
        // released to pending: not a status anyone is told of
        assertEquals(List.of("job.submitted", "approval.requested", "approval.approved"), types(jobEvents(approved)));

        String rejected = rejectedJob.getString("job_id");
        Caller.admin().body("{\"reason\": \"too big\"}")
                .post("/api/approvals/requests/" + rejectedJob.getString("approval_request_id") + "/reject").then().statusCode(200);
        assertEquals(List.of("job.submitted", "approval.requested", "approval.rejected", "job.cancelled"), types(jobEvents(rejected)));
        assertEquals("too big", ofType("approval.rejected", rejected).get(0).getJsonObject("data").getString("review_notes"));

        String expired = expiredJob.getString("job_id");
        sql("UPDATE webhook.approval_request SET expires_at = now() - interval '1 second' WHERE id = $1",
                expiredJob.getString("approval_request_id"));
        Caller.admin().post("/api/approvals/expire").then().statusCode(200);
        assertEquals(List.of("job.submitted", "approval.requested", "approval.expired", "job.cancelled"), types(jobEvents(expired)));
        assertEquals("warning", ofType("approval.expired", expired).get(0).getString("severity"));

        // a cancelled request is told by its job's job.cancelled alone
        String cancelled = cancelledJob.getString("job_id");
        me().post("/api/cloud/jobs/" + cancelled + "/cancel").then().statusCode(200);
        assertEquals(List.of("job.submitted", "approval.requested", "job.cancelled"), types(jobEvents(cancelled)));
    }

    // ---- quota.* ----

    @Test
    void aQuotaNearItsLimitWarnsOnceAndARefusalIsReportedOncePerSubmitter() {
        String quotaId = quota("concurrent_jobs", 2, "block");
        String first = submitted("one of two");
        assertEquals(List.of(), events("event_type LIKE 'quota.%' AND data->>'quota_id' = $1", quotaId));
        String second = submitted("two of two");
        List<JsonObject> warnings = events("event_type = 'quota.warning' AND data->>'quota_id' = $1", quotaId);
        assertEquals(1, warnings.size());
        JsonObject warning = warnings.get(0);
        assertSubject(warning, second);
        assertEquals("warning", warning.getString("severity"));
        JsonObject data = warning.getJsonObject("data");
        assertEquals("concurrent_jobs", data.getString("quota_type"));
        assertEquals("user", data.getString("scope"));
        assertEquals(user, data.getString("scope_id"));
        assertEquals(2, data.getInteger("limit"));
        assertEquals(1, data.getInteger("used"));
        assertEquals(1, data.getInteger("requested"));
        assertEquals(100.0, data.getDouble("percent"));
        assertEquals("block", data.getString("action"));

        submit(403, "{\"name\": \"three\", \"hardware\": \"gpu-a100\"}");
        submit(403, "{\"name\": \"three again\", \"hardware\": \"gpu-a100\"}");
        List<JsonObject> exceeded = events("event_type = 'quota.exceeded' AND data->>'quota_id' = $1", quotaId);
        assertEquals(1, exceeded.size(), "a client retrying a refused submit is reported once");
        assertEquals("error", exceeded.get(0).getString("severity"));
        assertNull(exceeded.get(0).getString("job_id"));
        assertEquals(user, exceeded.get(0).getString("user_id"));
        assertEquals(org, exceeded.get(0).getString("org_id"));
        assertEquals(2, exceeded.get(0).getJsonObject("data").getInteger("used"));

        // back under the limit and near it again the same day: no second warning
        me().post("/api/cloud/jobs/" + first + "/cancel").then().statusCode(200);
        submitted("two of two again");
        assertEquals(1, events("event_type = 'quota.warning' AND data->>'quota_id' = $1", quotaId).size());
    }

    // ---- cost.threshold ----

    @Test
    void aBudgetIsReportedAtHalfAndWhenSpent() {
        String budget = quota("cost_daily", 0.2, "warn");
        String first = submitted("costly 1");
        assertEquals(List.of(), events("event_type = 'cost.threshold' AND data->>'quota_id' = $1", budget));
        report(first, "{\"id\":\"" + first + "\",\"status\":\"processing\",\"metrics\":{\"predict_time\":40}}");
        assertEquals(List.of(), events("event_type = 'cost.threshold' AND data->>'quota_id' = $1", budget), "20 %");
        report(first, "{\"id\":\"" + first + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":110}}");
        List<JsonObject> crossed = events("event_type = 'cost.threshold' AND data->>'quota_id' = $1", budget);
        assertEquals(1, crossed.size());
        JsonObject half = crossed.get(0);
        assertEquals("warning", half.getString("severity"));
        assertEquals(user, half.getString("user_id"));
        assertNull(half.getString("job_id"));
        JsonObject data = half.getJsonObject("data");
        assertEquals(50, data.getInteger("threshold"));
        assertEquals(55.0, data.getDouble("percent"));
        assertEquals(0.11, data.getDouble("spent_usd"), 1e-9);
        assertEquals(0.2, data.getDouble("limit_usd"), 1e-9);
        assertEquals("user", data.getString("scope"));
        assertEquals(user, data.getString("scope_id"));
        assertEquals(Instant.now().truncatedTo(ChronoUnit.DAYS).toString().replace("Z", ".000Z"), data.getString("period_start"));

        String second = submitted("costly 2");
        report(second, "{\"id\":\"" + second + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":10}}");
        assertEquals(1, events("event_type = 'cost.threshold' AND data->>'quota_id' = $1", budget).size(), "60 %: still 50");
        String third = submitted("costly 3");
        report(third, "{\"id\":\"" + third + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":100}}");
        crossed = events("event_type = 'cost.threshold' AND data->>'quota_id' = $1", budget);
        assertEquals(2, crossed.size(), "110 %: 100 reported, 80 jumped over");
        assertEquals(100, crossed.get(1).getJsonObject("data").getInteger("threshold"));
        assertEquals("error", crossed.get(1).getString("severity"));
    }

    // ---- job.stalled ----

    @Test
    void aRunningJobWithNeitherReportNorUploadIsReportedOncePerQuietSpell() {
        String jobId = submitted("stalls");
        reportStatus(jobId, "processing");
        Duration stallAfter = Duration.ofMinutes(30);
        watchdog.check(stallAfter).await().indefinitely();
        assertEquals(List.of(), ofType("job.stalled", jobId), "just reported on");

        sql("UPDATE webhook.job SET updated_at = now() - interval '40 minutes' WHERE job_id = $1", jobId);
        watchdog.check(stallAfter).await().indefinitely();
        watchdog.check(stallAfter).await().indefinitely();
        List<JsonObject> stalled = ofType("job.stalled", jobId);
        assertEquals(1, stalled.size());
        assertSubject(stalled.get(0), jobId);
        assertEquals("warning", stalled.get(0).getString("severity"));
        JsonObject data = stalled.get(0).getJsonObject("data");
        assertEquals("running", data.getString("status"));
        assertEquals("stalls", data.getString("name"));
        assertTrue(data.getLong("quiet_seconds") >= 2400, data.encode());
        assertTrue(data.containsKey("last_upload_at") && data.getString("last_upload_at") == null, data.encode());
        Instant lastReport = Instant.parse(data.getString("last_report_at"));
        assertTrue(Duration.between(lastReport, Instant.now()).toMinutes() >= 40, data.encode());

        // an upload a few minutes ago: not quiet long enough
        String recent = Instant.now().minus(Duration.ofMinutes(5)).toString();
        redis.hash(String.class).hset("tuneops:upload-progress:" + jobId, Map.of("objects", "1", "bytes", "5", "last_upload_at", recent));
        watchdog.check(stallAfter).await().indefinitely();
        assertEquals(1, ofType("job.stalled", jobId).size());
        // quiet again since an upload 35 minutes ago: a new spell, reported again
        String older = Instant.now().minus(Duration.ofMinutes(35)).truncatedTo(ChronoUnit.MILLIS).toString();
        redis.hash(String.class).hset("tuneops:upload-progress:" + jobId, Map.of("last_upload_at", older));
        watchdog.check(stallAfter).await().indefinitely();
        stalled = ofType("job.stalled", jobId);
        assertEquals(2, stalled.size());
        assertEquals(older, stalled.get(1).getJsonObject("data").getString("last_upload_at"));
        redis.key(String.class).del("tuneops:upload-progress:" + jobId);

        // a report ends the spell; a finished job is never stalled
        reportStatus(jobId, "succeeded");
        sql("UPDATE webhook.job SET updated_at = now() - interval '2 hours' WHERE job_id = $1", jobId);
        watchdog.check(stallAfter).await().indefinitely();
        assertEquals(2, ofType("job.stalled", jobId).size());
    }

    // ---- system.* ----

    @Test
    void aProviderTurningUnhealthyAndItsBreakerOpeningAreReportedOnce() {
        sql("DELETE FROM webhook.notification_event WHERE event_type IN ('system.circuit_open', 'system.provider_unhealthy')");
        sql("DELETE FROM webhook.provider_health");
        breakers.resetAll();
        replicate.resetAll();
        replicate.stubFor(get("/v1/account").willReturn(okJson("{\"type\": \"user\", \"username\": \"acme\"}")));
        Caller.admin().body(new JsonObject().put("api_base_url", "http://localhost:" + replicate.port())
                .put("api_token", "r8_notification_producers_test").put("cost_limit", (Object) null).encode())
                .put("/api/cloud/providers/replicate").then().statusCode(200);
        try {
            health.checkAll().await().indefinitely();
            assertEquals(List.of(), events("event_type = 'system.provider_unhealthy'"));

            replicate.stubFor(get("/v1/account").willReturn(aResponse().withStatus(503)));
            for (int i = 0; i < 6; i++) {
                health.checkAll().await().indefinitely();
            }
            List<JsonObject> unhealthy = events("event_type = 'system.provider_unhealthy'");
            assertEquals(1, unhealthy.size(), "six failed checks, one transition");
            assertEquals("critical", unhealthy.get(0).getString("severity"));
            assertEquals("replicate", unhealthy.get(0).getJsonObject("data").getString("provider"));
            assertEquals("webhook-service", unhealthy.get(0).getJsonObject("data").getString("component"));
            assertNull(unhealthy.get(0).getString("user_id"));

            List<JsonObject> opened = until(() -> events("event_type = 'system.circuit_open'"), e -> !e.isEmpty());
            assertEquals(1, opened.size());
            JsonObject open = opened.get(0);
            assertEquals("critical", open.getString("severity"));
            assertTrue(open.getString("event_id").startsWith("evt_circuit_open_replicate_"), open.encode());
            assertEquals("replicate", open.getJsonObject("data").getString("provider"));
            assertTrue(open.getJsonObject("data").getString("detail").contains("refused"), open.encode());

            // healthy again, then unhealthy again: a second transition
            replicate.resetAll();
            replicate.stubFor(get("/v1/account").willReturn(okJson("{\"type\": \"user\", \"username\": \"acme\"}")));
            breakers.resetAll();
            health.checkAll().await().indefinitely();
            replicate.stubFor(get("/v1/account").willReturn(aResponse().withStatus(503)));
            health.checkAll().await().indefinitely();
            assertEquals(2, events("event_type = 'system.provider_unhealthy'").size());
        } finally {
            breakers.resetAll();
        }
    }

    private static <T> T until(Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                fail("not reached in time: " + value);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            value = read.get();
        }
        return value;
    }
}
