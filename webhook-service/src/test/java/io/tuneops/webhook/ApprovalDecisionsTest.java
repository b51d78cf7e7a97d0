package io.tuneops.webhook;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.webhook.service.CancelOutcome;
import io.tuneops.webhook.service.CancelRefused;
import io.tuneops.webhook.service.JobService;
import io.tuneops.webhook.service.approval.Submitter;
import io.vertx.core.json.JsonArray;
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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Deciding approval requests of jobs really held by a submit: approve, reject, cancel, in bulk,
 * the role each needs, two approvers at the same moment and an approval racing a cancel against a
 * fake Replicate (the provider sees a held job at most once, and never a cancelled one), expiry by
 * the route and by the schedule, and the figures metrics-service exports.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class ApprovalDecisionsTest {

    static final String VERSION = "acme/flux-dev:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa";
    static final String TRAININGS = "/v1/models/acme/flux-dev/versions/[0-9a-f]+/trainings";

    static WireMockServer replicate;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobService jobService;

    @BeforeAll
    static void startReplicate() {
        replicate = new WireMockServer(wireMockConfig().dynamicPort());
        replicate.start();
    }

    @AfterAll
    static void stopReplicate() {
        replicate.stop();
    }

    @BeforeEach
    void holdEveryJob() {
        noRules();
        replicate.resetAll();
        replicate.stubFor(get("/v1/webhooks/default/secret").willReturn(okJson("{\"key\": \"whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD\"}")));
        replicate.stubFor(post(urlPathMatching("/v1/trainings/[^/]+/cancel"))
                .willReturn(okJson("{\"id\": \"tr\", \"status\": \"canceled\", \"logs\": \"\", \"output\": null, \"error\": null}")));
        Caller.admin().body(new JsonObject().put("api_base_url", "http://localhost:" + replicate.port())
                        .put("api_token", "r8_approvals_test_token_0123456789abcdef").put("proxy_url", (Object) null)
                        .put("ssl_ca_bundle", (Object) null).put("cost_limit", (Object) null).encode())
                .put("/api/cloud/providers/replicate").then().statusCode(200);
        ApprovalRulesTest.createRule("{\"name\": \"hold all\", \"condition\": \"provider\", \"threshold\": \"generic,replicate\"}");
    }

    @AfterEach
    void noRules() {
        pool.query("DELETE FROM webhook.approval_rule").execute().await().indefinitely();
    }

    @AfterEach
    void noHeldJobs() {
        ApprovalRulesTest.cancelPending();
    }

    private static RequestSpecification person(String user, String role) {
        return Caller.person(user, role, "org_apr");
    }

    /** A generic job held by the rule: its job_id and approval_request_id. */
    private static JsonPath held(RequestSpecification submitter) {
        return submitter.body("{\"name\": \"held\"}").post("/api/cloud/jobs/submit?provider=generic").then()
                .statusCode(202).body("status", equalTo("pending_approval")).extract().jsonPath();
    }

    /** A Replicate job held by the rule; Replicate answers the training it will create as {@code trainingId}. */
    private static JsonPath heldAtReplicate(RequestSpecification submitter, String trainingId) {
        replicate.stubFor(post(urlPathMatching(TRAININGS)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id": "%s", "model": "acme/flux-dev", "input": {}, "logs": "", "output": null, "error": null,
                         "status": "starting", "created_at": "2026-12-06T09:00:00.000Z"}""".formatted(trainingId))));
        return submitter.body("{\"version\": \"" + VERSION + "\", \"destination\": \"acme/lora\", \"input\": {\"steps\": 10}}")
                .post("/api/cloud/jobs/submit").then().statusCode(202).body("status", equalTo("pending_approval"))
                .extract().jsonPath();
    }

    private static int trainingsCreated() {
        return replicate.countRequestsMatching(postRequestedFor(urlPathMatching(TRAININGS)).build()).getCount();
    }

    private static String requestStatus(String request) {
        return Caller.operator().get("/api/approvals/requests/" + request).then().statusCode(200).extract().path("status");
    }

    private static String jobStatus(String job) {
        return Caller.operator().get("/api/cloud/jobs/" + job).then().statusCode(200).extract().path("status");
    }

    private List<JsonObject> auditEvents(String type, String target) {
        return redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+")).stream()
                .map(m -> new JsonObject(m.payload().get("event")))
                .filter(e -> type.equals(e.getString("type")) && target.equals(e.getString("target_id"))).toList();
    }

    @Test
    void anApproverWithTheRoleReleasesTheJobOnceAndTheDecisionIsAudited() {
        String submitter = ApprovalRulesTest.id("usr");
        JsonPath job = held(person(submitter, "operator"));
        String request = job.getString("approval_request_id");
        Caller.operator().get("/api/approvals/requests/job/" + job.getString("job_id")).then().statusCode(200)
                .body("id", equalTo(request)).body("required_approver_level", equalTo("admin"))
                .body("submitted_by", equalTo("user:" + submitter));

        person(ApprovalRulesTest.id("usr"), "operator").body("{}").post("/api/approvals/requests/" + request + "/approve")
                .then().statusCode(403).body("detail", equalTo("Approving request " + request + " needs the admin role"));
        person(ApprovalRulesTest.id("usr"), "operator").body("{\"reason\": \"no\"}")
                .post("/api/approvals/requests/" + request + "/reject").then().statusCode(403);
        assertEquals("pending", requestStatus(request));
        assertEquals("pending_approval", jobStatus(job.getString("job_id")));

        String approver = ApprovalRulesTest.id("usr");
        person(approver, "admin").body("{\"notes\": \"fits the budget\"}").post("/api/approvals/requests/" + request + "/approve")
                .then().statusCode(200).body("success", equalTo(true)).body("request_id", equalTo(request))
                .body("approved_by", equalTo("user:" + approver)).body("job_id", equalTo(job.getString("job_id")))
                .body("request.status", equalTo("approved")).body("request.reviewed_by", equalTo("user:" + approver))
                .body("request.review_notes", equalTo("fits the budget"));
        assertEquals("pending", jobStatus(job.getString("job_id")), "released to its provider");
        person(approver, "admin").body("{}").post("/api/approvals/requests/" + request + "/approve").then().statusCode(409)
                .body("detail", equalTo("Approval request " + request + " is already approved"))
                .body("request.status", equalTo("approved"));

        List<JsonObject> events = auditEvents("approval.approved", request);
        assertEquals(1, events.size());
        assertEquals("user:" + approver, events.get(0).getString("actor"));
        assertEquals("fits the budget", events.get(0).getJsonObject("details").getString("notes"));
        assertEquals(job.getString("job_id"), events.get(0).getJsonObject("details").getString("job_id"));
        Caller.admin().post("/api/approvals/requests/apr_nothing/approve").then().statusCode(404)
                .body("detail", containsString("apr_nothing"));
    }

    @Test
    void nobodyApprovesTheirOwnJob() {
        String admin = ApprovalRulesTest.id("usr");
        String request = held(person(admin, "admin")).getString("approval_request_id");
        person(admin, "admin").body("{}").post("/api/approvals/requests/" + request + "/approve").then().statusCode(403)
                .body("detail", containsString("another person must approve it"));
        String key = held(Caller.admin()).getString("approval_request_id");
        Caller.admin().body("{}").post("/api/approvals/requests/" + key + "/approve").then().statusCode(403);
        assertEquals("pending", requestStatus(request));
        person(ApprovalRulesTest.id("usr"), "admin").body("{}").post("/api/approvals/requests/" + key + "/approve")
                .then().statusCode(200);
    }

    @Test
    void aRejectionNeedsAReasonAndEndsTheJob() {
        JsonPath job = held(person(ApprovalRulesTest.id("usr"), "operator"));
        String request = job.getString("approval_request_id");
        Caller.admin().body("{}").post("/api/approvals/requests/" + request + "/reject").then().statusCode(400)
                .body("errors[0].message", equalTo("Rejection reason is required"));
        Caller.admin().body("{\"notes\": 5}").post("/api/approvals/requests/" + request + "/reject").then().statusCode(400)
                .body("errors[0].field", equalTo("notes"));
        Caller.admin().body("{\"reason\": \"too expensive\"}").post("/api/approvals/requests/" + request + "/reject")
                .then().statusCode(200).body("rejected_by", equalTo("key_test_admin")).body("reason", equalTo("too expensive"))
                .body("request.status", equalTo("rejected"));
        Caller.operator().get("/api/cloud/jobs/" + job.getString("job_id")).then().body("status", equalTo("cancelled"))
                .body("error", equalTo("Rejected by key_test_admin: too expensive"));
        assertEquals(1, auditEvents("approval.rejected", request).size());
        Caller.admin().body("{}").post("/api/approvals/requests/" + request + "/approve").then().statusCode(409)
                .body("detail", containsString("already rejected"));
    }

    @Test
    void theSubmitterOrAnApproverCancelsAndCancellingTheJobClosesTheRequest() {
        String submitter = ApprovalRulesTest.id("usr");
        JsonPath job = held(person(submitter, "operator"));
        String request = job.getString("approval_request_id");
        person(ApprovalRulesTest.id("usr"), "operator").post("/api/approvals/requests/" + request + "/cancel").then()
                .statusCode(403).body("detail", containsString("Only the submitter"));
        person(submitter, "operator").post("/api/approvals/requests/" + request + "/cancel").then().statusCode(200)
                .body("cancelled_by", equalTo("user:" + submitter)).body("request.status", equalTo("cancelled"));
        assertEquals("cancelled", jobStatus(job.getString("job_id")));
        person(submitter, "operator").post("/api/approvals/requests/" + request + "/cancel").then().statusCode(409);

        JsonPath other = held(person(submitter, "operator"));
        person(submitter, "operator").post("/api/cloud/jobs/" + other.getString("job_id") + "/cancel").then().statusCode(200);
        assertEquals("cancelled", requestStatus(other.getString("approval_request_id")));
        Caller.admin().body("{}").post("/api/approvals/requests/" + other.getString("approval_request_id") + "/approve")
                .then().statusCode(409).body("detail", containsString("already cancelled"));
    }

    @Test
    void cancellingAHeldJobThroughTheJobsRouteFollowsTheRequestsRuleAndIsAuditedAsItsCancel() {
        String submitter = ApprovalRulesTest.id("usr");
        JsonPath job = held(person(submitter, "operator"));
        String jobId = job.getString("job_id");
        String request = job.getString("approval_request_id");
        // another operator: neither the submitter nor of the admin role the request needs
        person(ApprovalRulesTest.id("usr"), "operator").post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(403)
                .body("detail", containsString("Only the submitter or someone with the admin role may cancel approval request "
                        + request));
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(403);
        assertEquals("pending_approval", jobStatus(jobId));
        assertEquals("pending", requestStatus(request));
        assertTrue(auditEvents("job.cancelled", jobId).isEmpty());

        person(submitter, "operator").post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));
        assertEquals("cancelled", requestStatus(request));
        assertEquals(1, auditEvents("job.cancelled", jobId).size());
        List<JsonObject> cancelled = auditEvents("approval.cancelled", request);
        assertEquals(1, cancelled.size());
        assertEquals("user:" + submitter, cancelled.get(0).getString("actor"));
        assertEquals(jobId, cancelled.get(0).getJsonObject("details").getString("job_id"));
        assertEquals("user:" + submitter, cancelled.get(0).getJsonObject("details").getString("submitted_by"));
    }

    @Test
    void whoMayCancelAHeldJobIsTheRequestsRuleWhenTheCallerIsKnown() {
        String submitter = ApprovalRulesTest.id("usr");
        String jobId = held(person(submitter, "operator")).getString("job_id");
        Submitter otherOperator = new Submitter("user:someone", ApprovalRulesTest.id("usr"), "someone", Submitter.Role.OPERATOR,
                "org_apr", null);
        Throwable refused = jobService.cancel(jobId, otherOperator, "198.51.100.7").onItem().<Throwable>transform(o -> null)
                .onFailure().recoverWithItem(e -> e).await().indefinitely();
        assertTrue(refused instanceof CancelRefused, String.valueOf(refused));
        assertEquals("pending_approval", jobStatus(jobId));
        // the submitter through another key of theirs, and an admin, both may
        Submitter sameUserOtherKey = new Submitter("key_other", submitter, "name-" + submitter, Submitter.Role.OPERATOR,
                "org_apr", null);
        CancelOutcome own = jobService.cancel(jobId, sameUserOtherKey, "198.51.100.7").await().indefinitely();
        assertTrue(own instanceof CancelOutcome.Cancelled, own.toString());
        String another = held(person(submitter, "operator")).getString("job_id");
        Submitter admin = new Submitter("user:boss", ApprovalRulesTest.id("usr"), "boss", Submitter.Role.ADMIN, "org_apr", null);
        assertTrue(jobService.cancel(another, admin, "198.51.100.7").await().indefinitely() instanceof CancelOutcome.Cancelled);
        assertEquals("cancelled", jobStatus(another));
    }

    @Test
    void anApprovalWhoseAuditEventFailsLeavesTheJobsCredentialsUnpublished() {
        JsonPath job = held(person(ApprovalRulesTest.id("usr"), "operator"));
        String request = job.getString("approval_request_id");
        String keyId = job.getString("upload_credentials.access_key_id");
        String stream = "tuneops:audit:events";
        String aside = stream + ":aside-" + System.nanoTime();
        var keys = redis.key(String.class);
        boolean hadStream = keys.exists(stream);
        if (hadStream) {
            keys.rename(stream, aside);
        }
        int answered;
        try {
            // a string where the stream should be: every audit append fails (WRONGTYPE)
            redis.value(String.class).set(stream, "not a stream");
            answered = person(ApprovalRulesTest.id("usr"), "admin").body("{}")
                    .post("/api/approvals/requests/" + request + "/approve").statusCode();
        } finally {
            keys.del(stream);
            if (hadStream) {
                keys.rename(aside, stream);
            }
        }
        assertTrue(answered >= 500, "answered " + answered);
        assertEquals("pending", requestStatus(request));
        assertEquals("pending_approval", jobStatus(job.getString("job_id")));
        assertTrue(!keys.exists("tuneops:upload-credentials:" + keyId), "no usable credentials for a job that still waits");
        // once the audit trail takes events again, the approval goes through and publishes them
        person(ApprovalRulesTest.id("usr"), "admin").body("{}").post("/api/approvals/requests/" + request + "/approve")
                .then().statusCode(200);
        assertTrue(keys.exists("tuneops:upload-credentials:" + keyId));
    }

    @Test
    void controlCharactersInNotesOrReasonsAreRefusedAndChangeNothing() {
        String request = held(person(ApprovalRulesTest.id("usr"), "operator")).getString("approval_request_id");
        Caller.admin().body("{\"notes\": \"fine\\u0000\"}").post("/api/approvals/requests/" + request + "/approve").then()
                .statusCode(400).body("errors[0].field", equalTo("notes")).body("errors[0].message", containsString("control"));
        Caller.admin().body("{\"reason\": \"\\u0000\"}").post("/api/approvals/requests/" + request + "/reject").then()
                .statusCode(400).body("errors[0].field", equalTo("reason"));
        Caller.admin().body("{\"request_ids\": [\"" + request + "\"], \"reason\": \"no\\u0000\"}")
                .post("/api/approvals/requests/bulk-reject").then().statusCode(400).body("errors[0].field", equalTo("reason"));
        Caller.admin().body("{\"request_ids\": [\"apr_\\u0000\"], \"notes\": \"ok\"}")
                .post("/api/approvals/requests/bulk-approve").then().statusCode(400).body("errors[0].field", equalTo("request_ids"));
        Caller.admin().body("{}").post("/api/approvals/requests/apr_%00/approve").then().statusCode(404);
        Caller.operator().get("/api/approvals/requests/apr_%00").then().statusCode(404);
        assertEquals("pending", requestStatus(request));
        // notes may run over lines
        Caller.admin().body("{\"reason\": \"too big:\\n\\tsee the budget\"}").post("/api/approvals/requests/" + request + "/reject")
                .then().statusCode(200).body("reason", equalTo("too big:\n\tsee the budget"));
    }

    @Test
    void requestsAreListedFilteredAndCounted() {
        String mine = ApprovalRulesTest.id("usr");
        String first = held(person(mine, "operator")).getString("approval_request_id");
        String second = held(person(mine, "operator")).getString("approval_request_id");
        String theirs = held(person(ApprovalRulesTest.id("usr"), "operator")).getString("approval_request_id");
        Caller.admin().body("{}").post("/api/approvals/requests/" + first + "/approve").then().statusCode(200);
        long pending = pool.query("SELECT count(*) FROM webhook.approval_request WHERE status = 'pending'").execute()
                .await().indefinitely().iterator().next().getLong(0);

        Caller.operator().get("/api/approvals/requests?status=pending&limit=200").then().statusCode(200)
                .body("requests.id", hasItem(second)).body("requests.id", not(hasItem(first)))
                .body("pending_count", equalTo((int) pending));
        Caller.operator().get("/api/approvals/requests?pending_only=true&limit=200").then().body("requests.status",
                not(hasItem("approved")));
        Caller.operator().get("/api/approvals/requests?limit=1").then().body("requests", hasSize(1))
                .body("requests[0].id", equalTo(theirs));
        Caller.operator().get("/api/approvals/requests?limit=1&offset=1").then().body("requests[0].id", equalTo(second));
        Caller.operator().get("/api/approvals/requests/pending/count").then().statusCode(200)
                .body("pending_count", equalTo((int) pending));
        person(mine, "viewer").get("/api/approvals/me").then().statusCode(200)
                .body("requests.id", equalTo(List.of(second, first))).body("pending_count", equalTo(1));
        person(mine, "viewer").get("/api/approvals/me?status=approved").then().body("requests.id", equalTo(List.of(first)));
        person(mine, "viewer").get("/api/approvals/requests").then().statusCode(403);
        for (String bad : List.of("status=late", "limit=0", "limit=201", "offset=-1", "pending_only=maybe",
                "pending_only=true&status=approved")) {
            Caller.operator().get("/api/approvals/requests?" + bad).then().statusCode(400).body("detail", not(equalTo(null)));
        }
        Caller.operator().get("/api/approvals/requests/job/job_unknown").then().statusCode(404);
    }

    @Test
    void bulkDecisionsAnswerForEachIdInOrder() {
        String submitter = ApprovalRulesTest.id("usr");
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            requests.add(held(person(submitter, "operator")).getString("approval_request_id"));
        }
        String decided = held(person(submitter, "operator")).getString("approval_request_id");
        Caller.admin().body("{\"reason\": \"no\"}").post("/api/approvals/requests/" + decided + "/reject").then().statusCode(200);
        JsonArray ids = new JsonArray().add(requests.get(0)).add("apr_missing").add(requests.get(1)).add(decided).add(requests.get(2));

        Caller.admin().body("{\"request_ids\": " + ids.encode() + "}").post("/api/approvals/requests/bulk-reject").then()
                .statusCode(400).body("errors[0].field", equalTo("reason"));
        JsonPath result = Caller.admin().body(new JsonObject().put("request_ids", ids).put("notes", "batch").encode())
                .post("/api/approvals/requests/bulk-approve").then().statusCode(200).extract().jsonPath();
        assertEquals(5, result.getInt("total"));
        assertEquals(3, result.getInt("succeeded"));
        assertEquals(2, result.getInt("failed"));
        assertEquals(ids.getList(), result.getList("results.request_id"));
        assertEquals(List.of(true, false, true, false, true), result.getList("results.success"));
        assertTrue(result.getString("results[1].error").contains("not found"));
        assertTrue(result.getString("results[3].error").contains("already rejected"));
        requests.forEach(r -> assertEquals("approved", requestStatus(r)));
        assertTrue(auditEvents("approval.approved", requests.get(0)).get(0).getJsonObject("details").getBoolean("bulk"));

        String more = held(person(submitter, "operator")).getString("approval_request_id");
        Caller.admin().body("{\"request_ids\": [\"" + more + "\"], \"reason\": \"not now\"}")
                .post("/api/approvals/requests/bulk-reject").then().statusCode(200).body("succeeded", equalTo(1));
        assertEquals("rejected", requestStatus(more));
        JsonArray tooMany = new JsonArray();
        for (int i = 0; i < 101; i++) {
            tooMany.add("apr_" + i);
        }
        for (String body : List.of("{}", "{\"request_ids\": []}", "{\"request_ids\": " + tooMany.encode() + "}",
                "{\"request_ids\": [{}]}", "{\"request_ids\": \"apr_1\"}")) {
            Caller.admin().body(body).post("/api/approvals/requests/bulk-approve").then().statusCode(400)
                    .body("errors[0].field", equalTo("request_ids"));
        }
    }

    @Test
    void twoApproversAtTheSameMomentStartTheTrainingOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                JsonPath job = heldAtReplicate(person(ApprovalRulesTest.id("usr"), "operator"), "tr_apr_two_" + round + "_" + System.nanoTime());
                String request = job.getString("approval_request_id");
                int before = trainingsCreated();
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    RequestSpecification approver = person(ApprovalRulesTest.id("usr"), "admin");
                    answers.add(threads.submit(() -> {
                        together.await();
                        return approver.body("{}").post("/api/approvals/requests/" + request + "/approve").statusCode();
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> answer : answers) {
                    statuses.add(answer.get());
                }
                assertEquals(List.of(200, 409), statuses.stream().sorted().toList(), "round " + round);
                assertEquals(before + 1, trainingsCreated(), "Replicate saw the job once in round " + round);
                Caller.operator().get("/api/cloud/jobs/" + job.getString("job_id")).then().body("status", equalTo("queued"))
                        .body("provider_job_id", containsString("tr_apr_two_" + round));
                assertEquals(1, auditEvents("approval.approved", request).size());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anApprovalRacingACancelNeverSendsACancelledJob() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        int approvedRounds = 0;
        int cancelledRounds = 0;
        try {
            for (int round = 0; round < 6; round++) {
                String submitter = ApprovalRulesTest.id("usr");
                JsonPath job = heldAtReplicate(person(submitter, "operator"), "tr_apr_race_" + round + "_" + System.nanoTime());
                String jobId = job.getString("job_id");
                String request = job.getString("approval_request_id");
                int before = trainingsCreated();
                CyclicBarrier together = new CyclicBarrier(2);
                RequestSpecification approver = person(ApprovalRulesTest.id("usr"), "admin");
                RequestSpecification owner = person(submitter, "operator");
                Future<Integer> approve = threads.submit(() -> {
                    together.await();
                    return approver.body("{}").post("/api/approvals/requests/" + request + "/approve").statusCode();
                });
                Future<Integer> cancel = threads.submit(() -> {
                    together.await();
                    return owner.post("/api/cloud/jobs/" + jobId + "/cancel").statusCode();
                });
                int approved = approve.get();
                int cancelled = cancel.get();
                String finalRequest = requestStatus(request);
                int sent = trainingsCreated() - before;
                assertTrue(sent <= 1, "Replicate saw the job " + sent + " times in round " + round);
                assertEquals(200, cancelled, "the cancel goes through either way in round " + round);
                if (finalRequest.equals("cancelled")) {
                    cancelledRounds++;
                    assertEquals(409, approved, "round " + round);
                    assertEquals(0, sent, "a cancelled job never reaches Replicate (round " + round + ")");
                } else {
                    approvedRounds++;
                    assertEquals("approved", finalRequest, "round " + round);
                    assertEquals(200, approved, "round " + round);
                }
                assertEquals("cancelled", jobStatus(jobId), "round " + round);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(6, approvedRounds + cancelledRounds);
    }

    @Test
    void anOverdueRequestExpiresOnDemandAndItsJobEnds() {
        JsonPath job = held(person(ApprovalRulesTest.id("usr"), "operator"));
        String request = job.getString("approval_request_id");
        JsonObject read = new JsonObject(Caller.operator().get("/api/approvals/requests/" + request).asString());
        Duration lifetime = Duration.between(OffsetDateTime.parse(read.getString("created_at")),
                OffsetDateTime.parse(read.getString("expires_at")));
        assertEquals(Duration.ofHours(24), lifetime, "TUNEOPS_APPROVAL_EXPIRY defaults to 24 hours");

        overdue(request);
        Caller.admin().body("{}").post("/api/approvals/requests/" + request + "/approve").then().statusCode(409)
                .body("detail", containsString("expire"));
        Caller.operator().post("/api/approvals/expire").then().statusCode(403);
        Caller.admin().post("/api/approvals/expire").then().statusCode(200).body("expired", greaterThanOrEqualTo(0));
        assertEquals("expired", requestStatus(request));
        assertEquals("cancelled", jobStatus(job.getString("job_id")));
        assertEquals(1, auditEvents("approval.expired", request).size());
    }

    @Test
    void theScheduleExpiresOverdueRequestsOnItsOwn() {
        JsonPath job = held(person(ApprovalRulesTest.id("usr"), "operator"));
        String request = job.getString("approval_request_id");
        overdue(request);
        JsonPath expired = until(() -> Caller.operator().get("/api/approvals/requests/" + request).then().extract().jsonPath(),
                r -> "expired".equals(r.getString("status")), Duration.ofSeconds(20));
        assertEquals("system:approval-expiry", expired.getString("reviewed_by"));
        assertTrue(expired.getString("review_notes").startsWith("not decided within"));
        assertEquals("cancelled", jobStatus(job.getString("job_id")));
    }

    @Test
    void figuresCountTheRequestsPerStatus() {
        held(person(ApprovalRulesTest.id("usr"), "operator"));
        String approve = held(person(ApprovalRulesTest.id("usr"), "operator")).getString("approval_request_id");
        Caller.admin().body("{}").post("/api/approvals/requests/" + approve + "/approve").then().statusCode(200);
        JsonPath figures = Caller.admin().get("/internal/jobs/figures").then().statusCode(200).extract().jsonPath();
        var counts = pool.query("SELECT status, count(*) AS n FROM webhook.approval_request GROUP BY status").execute()
                .await().indefinitely();
        long pending = 0;
        for (var row : counts) {
            assertEquals(row.getLong("n").intValue(), figures.getInt("approvals.requests_by_status." + row.getString("status")),
                    row.getString("status"));
            if (row.getString("status").equals("pending")) {
                pending = row.getLong("n");
            }
        }
        assertTrue(pending >= 1);
        assertEquals(pending, figures.getLong("approvals.requests_pending"));
        assertEquals(List.of("pending", "approved", "rejected", "cancelled", "expired"),
                new ArrayList<>(figures.getMap("approvals.requests_by_status").keySet()));
    }

    @Test
    void everyApprovalsRouteIsDescribedWithTheScopeItNeeds() {
        JsonObject paths = new JsonObject(RestAssured.given().get("/q/openapi?format=json").asString()).getJsonObject("paths");
        String[][] routes = {{"/api/approvals/rules", "get", "operator"}, {"/api/approvals/rules", "post", "admin"},
                {"/api/approvals/rules/{rule_id}", "patch", "admin"}, {"/api/approvals/me", "get", "viewer"},
                {"/api/approvals/requests/{request_id}/approve", "post", "operator"}, {"/api/approvals/expire", "post", "admin"},
                {"/api/approvals/requests/bulk-reject", "post", "operator"}};
        for (String[] route : routes) {
            JsonObject operation = paths.getJsonObject(route[0]).getJsonObject(route[1]);
            assertTrue(operation.getString("description").contains("the " + route[2] + " scope"), route[0] + " " + operation);
            assertEquals("Approvals", operation.getJsonArray("tags").getString(0));
        }
    }

    private void overdue(String request) {
        pool.preparedQuery("UPDATE webhook.approval_request SET expires_at = now() - interval '1 second' WHERE id = $1")
                .execute(Tuple.of(request)).await().indefinitely();
    }

    private static <T> T until(Supplier<T> read, Predicate<T> done, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                fail("not reached within " + within + ": " + value);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            value = read.get();
        }
        return value;
    }
}
