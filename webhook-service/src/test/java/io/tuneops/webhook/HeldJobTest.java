package io.tuneops.webhook;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.webhook.service.approval.ApprovedJobs;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static io.tuneops.webhook.Caller.signedNow;
import static io.tuneops.webhook.Caller.snapshot;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs a quota holds for approval, as the approval workflow moves them on (ApprovedJobs), and
 * reservations released when the provider does not take a job.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class HeldJobTest {

    private static final String VERSION = "acme/flux-dev:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa";
    private static WireMockServer replicate;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    ApprovedJobs approved;

    @Inject
    CircuitBreakerMaintenance breakers;

    private final List<String> quotas = new ArrayList<>();
    private String user;

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
    void configure() {
        user = QuotaTest.id("usr");
        replicate.resetAll();
        breakers.resetAll();
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).put("webhook_require_signature", true)
                .put("cost_limit", (Object) null).put("hardware_prices", new JsonObject().put("gpu-a100", 0.001)).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
        Caller.admin().body(new JsonObject().put("api_base_url", "http://localhost:" + replicate.port())
                .put("api_token", "r8_held_job_test").put("cost_limit", (Object) null).encode())
                .put("/api/cloud/providers/replicate").then().statusCode(200);
    }

    @AfterEach
    void cleanUp() {
        quotas.forEach(id -> Caller.admin().delete("/api/quotas/" + id));
        breakers.resetAll();
    }

    private void quota(String type, int limit, String action) {
        quotas.add(Caller.admin().body(new JsonObject().put("quota_type", type).put("limit_value", limit).put("action", action)
                .put("user_id", user).encode()).post("/api/quotas").then().statusCode(201).extract().path("id"));
    }

    private RequestSpecification me() {
        return Caller.person(user, "operator", null);
    }

    private JsonPath held() {
        quota("concurrent_jobs", 1, "require_approval");
        me().body("{\"hardware\": \"gpu-a100\"}").post("/api/cloud/jobs/submit?provider=generic").then().statusCode(201);
        return me().body("{\"name\": \"held\", \"hardware\": \"gpu-a100\", \"max_run_seconds\": 60}")
                .post("/api/cloud/jobs/submit?provider=generic").then().statusCode(202).extract().jsonPath();
    }

    private String requestStatus(String jobId) {
        var rows = pool.preparedQuery("SELECT status FROM webhook.approval_request WHERE job_id = $1").execute(Tuple.of(jobId))
                .await().indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next().getString("status");
    }

    private boolean published(String keyId) {
        return redis.key(String.class).exists("tuneops:upload-credentials:" + keyId);
    }

    private String status(String jobId) {
        return Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(200).extract().path("status");
    }

    @Test
    void aQuotaThatRequiresApprovalHoldsTheJobBeforeItsProvider() {
        JsonPath held = held();
        String jobId = held.getString("job_id");
        assertEquals("pending_approval", held.getString("status"));
        assertTrue(held.getString("approval_request_id").startsWith("apr_"), held.prettify());
        assertTrue(held.getString("approval_reason").startsWith("Quota requires approval: concurrent_jobs quota for user:" + user),
                held.getString("approval_reason"));
        assertNull(held.getString("provider_job_id"), "a held generic job cannot be reported on yet");
        assertEquals("pending", requestStatus(jobId));
        // its credentials were shown, but storage-service does not know them while it waits
        assertFalse(published(held.getString("upload_credentials.access_key_id")));
        Caller.viewer().get("/api/cloud/jobs?status=pending_approval").then().statusCode(200)
                .body("jobs.job_id", hasItem(jobId));
        // a runner's report about it changes nothing
        signedNow(GENERIC_SECRET, "msg_" + jobId, snapshot(jobId, "processing")).post("/api/webhooks/generic")
                .then().statusCode(202);
        assertEquals("pending_approval", status(jobId));
    }

    @Test
    void cancellingAHeldJobClosesItsRequestAndReleasesItsReservation() {
        String jobId = held().getString("job_id");
        me().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled")).body("error", containsString("while waiting for approval"));
        assertEquals("cancelled", requestStatus(jobId));
        boolean audited = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+")).stream()
                .map(m -> new JsonObject(m.payload().get("event")))
                .anyMatch(e -> "job.cancelled".equals(e.getString("type")) && jobId.equals(e.getString("target_id"))
                        && "pending_approval".equals(e.getJsonObject("details").getString("previous_status")));
        assertTrue(audited);
        // the approver's release comes too late
        assertTrue(pool.withTransaction(tx -> approved.release(tx, jobId, "user:approver")).await().indefinitely().isEmpty());
        assertEquals("cancelled", status(jobId));
    }

    @Test
    void aReleasedJobGetsItsCredentialsAndReportsOnceAndOnlyOnce() {
        JsonPath held = held();
        String jobId = held.getString("job_id");
        String keyId = held.getString("upload_credentials.access_key_id");
        // as a decision does: the credentials are published as the transaction's last step
        ApprovedJobs.Release release = pool.withTransaction(tx -> approved.release(tx, jobId, "user:approver")
                .call(r -> r.orElseThrow().publish(Duration.ofSeconds(5)))).await().indefinitely().orElseThrow();
        assertTrue(pool.withTransaction(tx -> approved.release(tx, jobId, "user:approver-2")).await().indefinitely().isEmpty(),
                "a second approver's release finds it no longer held");
        assertTrue(published(keyId));
        release.withdraw().await().indefinitely();
        assertFalse(published(keyId), "withdrawn when the decision does not commit");
        release.publish(Duration.ofSeconds(5)).await().indefinitely();
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("pending"))
                .body("provider_job_id", equalTo(jobId));
        approved.dispatch(jobId).await().indefinitely();
        signedNow(GENERIC_SECRET, "msg_" + jobId + "_run", snapshot(jobId, "processing")).post("/api/webhooks/generic")
                .then().statusCode(200);
        assertEquals("running", status(jobId));
        assertFalse(pool.withTransaction(tx -> approved.abandon(tx, jobId, "rejected", "user:approver")).await().indefinitely());
    }

    @Test
    void anAbandonedJobEndsWithItsReasonAndItsReservationIsReleased() {
        JsonPath held = held();
        String jobId = held.getString("job_id");
        String keyId = held.getString("upload_credentials.access_key_id");
        assertTrue(pool.withTransaction(tx -> approved.abandon(tx, jobId, "Rejected by admin: too big", "user:approver"))
                .await().indefinitely());
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("cancelled"))
                .body("error", equalTo("Rejected by admin: too big")).body("completed_at", notNullValue());
        assertFalse(published(keyId));
        // only the job that was admitted before it still counts
        me().get("/api/quotas/me").then().body("statuses[0].current", equalTo(1.0f));
    }

    @Test
    void anApprovedReplicateJobReachesTheProviderOnce() {
        replicate.stubFor(post(urlPathMatching("/v1/models/acme/flux-dev/versions/[0-9a-f]+/trainings"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("""
                        {"id": "tr_held_1", "status": "starting", "logs": "", "output": null, "error": null,
                         "created_at": "2026-12-06T09:00:00.000Z"}""")));
        quota("concurrent_jobs", 1, "require_approval");
        String body = "{\"version\": \"" + VERSION + "\", \"destination\": \"acme/my-lora\", \"hardware\": \"gpu-a100\"}";
        me().body("{}").post("/api/cloud/jobs/submit?provider=generic").then().statusCode(201);
        String jobId = me().body(body).post("/api/cloud/jobs/submit").then().statusCode(202)
                .body("status", equalTo("pending_approval")).extract().path("job_id");
        replicate.verify(0, postRequestedFor(urlPathMatching(".*/trainings")));
        assertTrue(pool.withTransaction(tx -> approved.release(tx, jobId, "user:approver")).await().indefinitely().isPresent());
        approved.dispatch(jobId).await().indefinitely();
        approved.dispatch(jobId).await().indefinitely();
        replicate.verify(1, postRequestedFor(urlPathMatching(".*/trainings")));
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("queued"))
                .body("provider_job_id", equalTo("tr_held_1"));
    }

    @Test
    void aJobTheProviderRefusedNoLongerCountsAgainstTheQuota() {
        replicate.stubFor(post(urlPathMatching("/v1/models/.*/trainings")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"detail\": \"down\"}")));
        quota("concurrent_jobs", 1, "block");
        String body = "{\"version\": \"" + VERSION + "\", \"destination\": \"acme/my-lora\"}";
        String failed = me().body(body).post("/api/cloud/jobs/submit").then().statusCode(502)
                .body("status", equalTo("failed")).extract().path("job_id");
        assertEquals("failed", status(failed));
        // admitted again (and refused by the provider again), not blocked by the failed job's reservation
        me().body(body).post("/api/cloud/jobs/submit").then().statusCode(502).body("detail", containsString("failed"));
        me().get("/api/quotas/me").then().body("statuses[0].current", equalTo(0.0f)).body("can_submit", equalTo(true));
    }
}
