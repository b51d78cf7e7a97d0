package io.tuneops.webhook.client;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.standardwebhooks.Webhook;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.webhook.service.JobReconciler;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * webhook-service against a fake Replicate that speaks Replicate's HTTP API (paths, bearer token,
 * JSON bodies and answers as documented at replicate.com/docs/reference/http), reached directly,
 * through a real forward proxy, and over TLS with a corporate CA.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class ReplicateClientTest {

    static final String TOKEN = "r8_test_token_0123456789abcdefghijklmnop";
    static final String SIGNING_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    static final String VERSION = "acme/flux-dev:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa";

    static WireMockServer replicate;
    static WireMockServer proxy;
    static TestCertificates certificates;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    JobReconciler reconciler;

    @Inject
    Pool pool;

    @BeforeAll
    static void startFakes() throws Exception {
        Path dir = Files.createTempDirectory("replicate-tls");
        certificates = TestCertificates.create(dir);
        replicate = new WireMockServer(wireMockConfig().dynamicPort().dynamicHttpsPort()
                .keystorePath(certificates.serverKeystore().toString()).keystoreType("PKCS12")
                .keystorePassword(certificates.password()).keyManagerPassword(certificates.password()));
        replicate.start();
        proxy = new WireMockServer(wireMockConfig().dynamicPort().enableBrowserProxying(true));
        proxy.start();
    }

    @AfterAll
    static void stopFakes() {
        replicate.stop();
        proxy.stop();
    }

    @BeforeEach
    void configure() {
        replicate.resetAll();
        proxy.resetAll();
        breakers.resetAll();
        configureReplicate(new JsonObject().put("api_base_url", "http://localhost:" + replicate.port()).put("api_token", TOKEN)
                .put("webhook_secret", (Object) null).put("proxy_url", (Object) null).put("ssl_ca_bundle", (Object) null)
                .put("ssl_verify", true).put("http_timeout", 5.0).put("webhook_require_signature", true));
        replicate.stubFor(get("/v1/webhooks/default/secret").willReturn(okJson("{\"key\": \"" + SIGNING_SECRET + "\"}")));
    }

    private static void configureReplicate(JsonObject config) {
        admin().body(config.encode()).put("/api/cloud/providers/replicate").then().statusCode(200);
    }

    private static RequestSpecification admin() {
        return RestAssured.given().contentType("application/json")
                .header("X-Tuneops-Gateway-Secret", "test-only-internal-secret-0123456789abcdef")
                .header("X-Tuneops-Actor", "key_test_admin")
                .header("X-Tuneops-Scopes", "admin");
    }

    private static void stubCreate(String trainingId) {
        stubCreate(trainingId, 0);
    }

    private static void stubCreate(String trainingId, int delayMs) {
        replicate.stubFor(post(urlPathMatching("/v1/models/acme/flux-dev/versions/[0-9a-f]+/trainings"))
                .willReturn(aResponse().withStatus(201).withFixedDelay(delayMs).withHeader("Content-Type", "application/json").withBody("""
                        {"id": "%s", "model": "acme/flux-dev", "version": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
                         "input": {"steps": 1000}, "logs": "", "output": null, "error": null, "status": "starting",
                         "created_at": "2026-11-22T09:00:00.000Z",
                         "urls": {"get": "https://api.replicate.com/v1/trainings/%s", "cancel": "https://api.replicate.com/v1/trainings/%s/cancel"}}
                        """.formatted(trainingId, trainingId, trainingId))));
    }

    private static ValidatableResponse submit() {
        return admin().body("{\"version\": \"" + VERSION + "\", \"destination\": \"acme/my-lora\", "
                + "\"input\": {\"steps\": 1000}, \"hardware\": \"gpu-a100-large\"}").post("/api/cloud/jobs/submit").then().log().ifValidationFails();
    }

    @Test
    void aSubmitCreatesATrainingWithThePlatformWebhookAndSignedEventsComeBack() throws Exception {
        stubCreate("tr_submit_1");
        // a token of its own: the signing secret is cached per token, so this test sees the fetch
        String token = TOKEN + "_" + System.nanoTime();
        configureReplicate(new JsonObject().put("api_token", token));
        JsonPath job = submit().statusCode(201).extract().jsonPath();
        assertEquals("queued", job.getString("status"));
        assertEquals("tr_submit_1", job.getString("provider_job_id"));
        replicate.verify(postRequestedFor(urlEqualTo("/v1/models/acme/flux-dev/versions/"
                + VERSION.substring(VERSION.indexOf(':') + 1) + "/trainings"))
                .withHeader("Authorization", equalTo("Bearer " + token))
                .withRequestBody(equalToJson("""
                        {"destination": "acme/my-lora", "input": {"steps": 1000},
                         "webhook": "http://localhost:8080/api/webhooks/replicate",
                         "webhook_events_filter": ["start", "output", "logs", "completed"]}""")));

        // Replicate signs with the account's default secret, which tuneops fetches (once) to verify
        String body = """
                {"id": "tr_submit_1", "status": "succeeded", "logs": "done", "output": {"version": "acme/my-lora:abc", "weights": "https://replicate.delivery/w.tar"},
                 "error": null, "metrics": {"predict_time": 300.5}, "completed_at": "2026-11-22T10:00:00Z"}""";
        for (String id : new String[]{"msg_rep_1", "msg_rep_2"}) {
            long ts = Instant.now().getEpochSecond();
            RestAssured.given().contentType("application/json").header("webhook-id", id)
                    .header("webhook-timestamp", Long.toString(ts))
                    .header("webhook-signature", new Webhook(SIGNING_SECRET).sign(id, ts, body))
                    .body(body).post("/api/webhooks/replicate").then().statusCode(200);
        }
        admin().get("/api/cloud/jobs/" + job.getString("job_id")).then().statusCode(200)
                .body("status", Matchers.equalTo("completed"))
                .body("output_url", Matchers.equalTo("https://replicate.delivery/w.tar"))
                .body("duration_seconds", Matchers.equalTo(300.5f));
        replicate.verify(1, getRequestedFor(urlEqualTo("/v1/webhooks/default/secret"))
                .withHeader("Authorization", equalTo("Bearer " + token)));
    }

    @Test
    void cancellingARunningJobCancelsTheTrainingAtReplicate() {
        stubCreate("tr_cancel_1");
        String jobId = submit().statusCode(201).extract().path("job_id");
        replicate.stubFor(post("/v1/trainings/tr_cancel_1/cancel").willReturn(okJson(
                "{\"id\": \"tr_cancel_1\", \"status\": \"canceled\", \"logs\": \"\", \"output\": null, \"error\": null}")));
        admin().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(200)
                .body("status", Matchers.equalTo("cancelled"))
                .body("provider_status", Matchers.equalTo("canceled"));
        replicate.verify(postRequestedFor(urlEqualTo("/v1/trainings/tr_cancel_1/cancel"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void callsGoThroughTheConfiguredProxy() {
        stubCreate("tr_proxy_1");
        configureReplicate(new JsonObject().put("proxy_url", proxy.baseUrl()));
        submit().statusCode(201);
        proxy.verify(postRequestedFor(urlPathMatching("/v1/models/acme/flux-dev/versions/.*/trainings")));
        replicate.verify(postRequestedFor(urlPathMatching("/v1/models/acme/flux-dev/versions/.*/trainings")));
    }

    @Test
    void aCorporateCaBundleIsTrustedAndNothingElseIs() {
        stubCreate("tr_tls_1");
        configureReplicate(new JsonObject().put("api_base_url", "https://localhost:" + replicate.httpsPort()));
        submit().statusCode(502).body("detail", containsString("Replicate unreachable: TLS handshake failed"))
                .body("detail", Matchers.not(containsString("Exception")));
        configureReplicate(new JsonObject().put("ssl_ca_bundle", certificates.caPem().toString()));
        submit().statusCode(201);
        stubCreate("tr_tls_2");
        configureReplicate(new JsonObject().put("ssl_ca_bundle", (Object) null).put("ssl_verify", false));
        submit().statusCode(201);
    }

    @Test
    void aRefusedConnectionIsSaidInWordsNotAsAnExceptionClass() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        // a token of its own: no signing secret cached for it
        configureReplicate(new JsonObject().put("api_base_url", "http://localhost:" + closed)
                .put("api_token", TOKEN + "_" + System.nanoTime()));
        submit().statusCode(502)
                .body("detail", Matchers.equalTo("submission to replicate failed: Replicate unreachable: connection refused"))
                .body("status", Matchers.equalTo("failed"));
        String body = "{\"id\": \"tr_nobody\", \"status\": \"processing\"}";
        long ts = Instant.now().getEpochSecond();
        RestAssured.given().contentType("application/json").header("webhook-id", "msg_no_secret")
                .header("webhook-timestamp", Long.toString(ts))
                .header("webhook-signature", new Webhook(SIGNING_SECRET).sign("msg_no_secret", ts, body))
                .body(body).post("/api/webhooks/replicate").then().statusCode(503).header("Retry-After", "5")
                .body("detail", Matchers.equalTo("Webhook not recorded: the signing secret could not be fetched "
                        + "(Replicate unreachable: connection refused); retry shortly"));
    }

    @Test
    void theBreakerOpensAfterFailuresFailsFastAndRecovers() {
        replicate.stubFor(post(urlPathMatching("/v1/models/.*/trainings")).willReturn(aResponse().withStatus(500)));
        long failuresBefore = admin().get("/internal/jobs/figures").then().extract().jsonPath()
                .getLong("circuit_breakers.replicate.failures");
        for (int i = 0; i < 4; i++) {
            submit().statusCode(502).body("detail", containsString("HTTP 500"));
        }
        JsonPath figures = admin().get("/internal/jobs/figures").then().statusCode(200).extract().jsonPath();
        assertEquals("open", figures.getString("circuit_breakers.replicate.state"));
        assertEquals(failuresBefore + 4, figures.getLong("circuit_breakers.replicate.failures"));
        int seen = replicate.findAll(postRequestedFor(urlPathMatching("/v1/models/.*/trainings"))).size();
        submit().statusCode(502);
        assertEquals(seen, replicate.findAll(postRequestedFor(urlPathMatching("/v1/models/.*/trainings"))).size(),
                "an open breaker does not call Replicate");

        stubCreate("tr_recovered");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        int status;
        do {
            status = submit().extract().statusCode();
        } while (status != 201 && Instant.now().isBefore(deadline));
        assertEquals(201, status, "after the breaker's delay a trial call goes through and closes it");
        assertEquals("closed", admin().get("/internal/jobs/figures").then().extract().path("circuit_breakers.replicate.state"));
    }

    @Test
    void clientErrorsDoNotOpenTheBreakerAndAreNotRetried() {
        replicate.stubFor(post(urlPathMatching("/v1/models/.*/trainings")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"title\": \"Invalid version\", \"detail\": \"version does not exist\", \"status\": 422}")));
        for (int i = 0; i < 6; i++) {
            submit().statusCode(502).body("detail", containsString("version does not exist"));
        }
        assertEquals(6, replicate.findAll(postRequestedFor(urlPathMatching("/v1/models/.*/trainings"))).size());
        assertEquals("closed", admin().get("/internal/jobs/figures").then().extract().path("circuit_breakers.replicate.state"));
    }

    @Test
    void withoutATokenNothingIsSentAndTheJobFails() {
        admin().body("{\"api_token\": null}").put("/api/cloud/providers/replicate").then().statusCode(200)
                .body("api_token_configured", Matchers.equalTo(false));
        submit().statusCode(502).body("detail", containsString("no API token")).body("status", Matchers.equalTo("failed"));
        assertTrue(replicate.getAllServeEvents().isEmpty());
    }

    @Test
    void theProviderHealthCheckCallsReplicatesAccountEndpoint() {
        replicate.stubFor(get("/v1/account").willReturn(okJson(
                "{\"type\": \"organization\", \"username\": \"acme\", \"name\": \"Acme\", \"github_url\": null}")));
        RestAssured.get("/internal/providers/health").then().statusCode(403);
        admin().get("/internal/providers/health").then().statusCode(200)
                .body("providers.find { it.name == 'replicate' }.status", Matchers.equalTo("healthy"))
                .body("providers.find { it.name == 'replicate' }.message", containsString("acme"));
        replicate.verify(getRequestedFor(urlEqualTo("/v1/account")).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        replicate.stubFor(get("/v1/account").willReturn(aResponse().withStatus(401)
                .withBody("{\"title\": \"Unauthenticated\", \"status\": 401}")));
        admin().get("/internal/providers/health").then().statusCode(200)
                .body("providers.find { it.name == 'replicate' }.status", Matchers.equalTo("unhealthy"))
                .body("providers.find { it.name == 'replicate' }.message", containsString("401"));
    }

    @Test
    void theProvidersTimeoutBoundsEveryCallAndOnlyIdempotentCallsAreRetried() {
        stubCreate("tr_slow_1");
        String jobId = submit().statusCode(201).extract().path("job_id");
        configureReplicate(new JsonObject().put("http_timeout", 1.0));
        replicate.stubFor(post(urlPathMatching("/v1/models/.*/trainings")).willReturn(aResponse().withStatus(201)
                .withFixedDelay(4000).withBody("{}")));
        int before = replicate.findAll(postRequestedFor(urlPathMatching("/v1/models/.*/trainings"))).size();
        long start = System.nanoTime();
        submit().statusCode(502).body("detail", containsString("Replicate unreachable"));
        long submitMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(submitMillis < 3000, "a 1 s timeout took " + submitMillis + " ms");
        assertEquals(before + 1, replicate.findAll(postRequestedFor(urlPathMatching("/v1/models/.*/trainings"))).size(),
                "creating a training is never retried");

        replicate.stubFor(post("/v1/trainings/tr_slow_1/cancel").willReturn(okJson("{\"id\": \"tr_slow_1\", \"status\": \"canceled\"}")
                .withFixedDelay(4000)));
        admin().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(502)
                .body("detail", containsString("Not cancelled")).body("status", Matchers.equalTo("queued"));
        assertEquals(2, replicate.findAll(postRequestedFor(urlEqualTo("/v1/trainings/tr_slow_1/cancel"))).size(),
                "cancel is idempotent: tried again once (tuneops.outbound.retries=1 in tests)");
    }

    @Test
    void forgedDeliveriesDoNotTurnIntoCallsToReplicate() {
        String body = "{\"id\": \"tr_nobody\", \"status\": \"succeeded\"}";
        String forgedSecret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        for (int i = 0; i < 20; i++) {
            long ts = Instant.now().getEpochSecond();
            try {
                RestAssured.given().contentType("application/json").header("webhook-id", "msg_forged_" + i)
                        .header("webhook-timestamp", Long.toString(ts))
                        .header("webhook-signature", new Webhook(forgedSecret).sign("msg_forged_" + i, ts, body))
                        .body(body).post("/api/webhooks/replicate").then().statusCode(401);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        int fetches = replicate.findAll(getRequestedFor(urlEqualTo("/v1/webhooks/default/secret"))).size();
        assertTrue(fetches <= 2, "20 forged deliveries caused " + fetches + " secret fetches");
    }

    @Test
    void aJobWhoseWebhooksNeverCameIsBroughtUpToDateFromReplicate() {
        stubCreate("tr_quiet_1");
        String jobId = submit().statusCode(201).extract().path("job_id");
        replicate.stubFor(get("/v1/trainings/tr_quiet_1").willReturn(okJson("""
                {"id": "tr_quiet_1", "status": "succeeded", "logs": "all done", "output": {"weights": "https://replicate.delivery/q.tar"},
                 "error": null, "metrics": {"predict_time": 42.0}}""")));
        int changed = reconciler.reconcile(Duration.ZERO).await().atMost(Duration.ofSeconds(30));
        assertTrue(changed >= 1);
        admin().get("/api/cloud/jobs/" + jobId).then().statusCode(200)
                .body("status", Matchers.equalTo("completed"))
                .body("output_url", Matchers.equalTo("https://replicate.delivery/q.tar"));
        replicate.verify(getRequestedFor(urlEqualTo("/v1/trainings/tr_quiet_1")).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        // a finished job is not asked about again
        replicate.resetRequests();
        reconciler.reconcile(Duration.ZERO).await().atMost(Duration.ofSeconds(30));
        replicate.verify(0, getRequestedFor(urlEqualTo("/v1/trainings/tr_quiet_1")));
    }

    @Test
    void aLookUpThatLearnsNothingLeavesTheJobUntouched() {
        stubCreate("tr_quiet_2");
        String jobId = submit().statusCode(201).extract().path("job_id");
        replicate.stubFor(get("/v1/trainings/tr_quiet_2").willReturn(okJson("""
                {"id": "tr_quiet_2", "status": "processing", "logs": "step 1", "output": null, "error": null}""")));
        reconciler.reconcile(Duration.ZERO).await().atMost(Duration.ofSeconds(30));
        String updated = admin().get("/api/cloud/jobs/" + jobId).then().statusCode(200)
                .body("status", Matchers.equalTo("running")).extract().path("updated_at");
        // the same answer again is no news: updated_at stays, so the stall watchdog still sees a quiet job
        reconciler.reconcile(Duration.ZERO).await().atMost(Duration.ofSeconds(30));
        admin().get("/api/cloud/jobs/" + jobId).then().statusCode(200).body("updated_at", Matchers.equalTo(updated));
        replicate.verify(2, getRequestedFor(urlEqualTo("/v1/trainings/tr_quiet_2")));
    }

    @Test
    void aSubmissionInterruptedBeforeReplicatesAnswerWasStoredIsFailedAfterAWhile() {
        configureReplicate(new JsonObject().put("http_timeout", 30.0));
        stubCreate("tr_lost_1");
        String interrupted = submit().statusCode(201).extract().path("job_id");
        stubCreate("tr_lost_2");
        String recent = submit().statusCode(201).extract().path("job_id");
        stubCreate("tr_lost_3");
        String withinCallTimeout = submit().statusCode(201).extract().path("job_id");
        // as after a kill -9 between storing the job and storing Replicate's answer
        String interrupt = "UPDATE webhook.job SET status = 'pending', provider_status = NULL, provider_job_id = NULL, "
                + "updated_at = now() - make_interval(secs => $2) WHERE job_id = $1";
        sql(interrupt, interrupted, 20 * 60.0);
        sql(interrupt, recent, 0.0);
        // quiet for longer than asked, but not past the create call's window (twice its 30 s timeout and more)
        sql(interrupt, withinCallTimeout, 50.0);

        // the reconciler's own tick may get to it first: what counts is the job's state
        reconciler.failAbandoned(Duration.ofSeconds(10)).await().atMost(Duration.ofSeconds(30));
        admin().get("/api/cloud/jobs/" + interrupted).then().statusCode(200)
                .body("status", Matchers.equalTo("failed"))
                .body("error", containsString("submission to replicate was interrupted"))
                .body("completed_at", Matchers.notNullValue());
        admin().get("/api/cloud/jobs/" + recent).then().statusCode(200).body("status", Matchers.equalTo("pending"));
        admin().get("/api/cloud/jobs/" + withinCallTimeout).then().statusCode(200).body("status", Matchers.equalTo("pending"));
        // a job with Replicate's id is the reconciler's other half, never failed this way
        sql("UPDATE webhook.job SET status = 'pending', provider_job_id = 'tr_lost_2', updated_at = now() - interval '1 hour' "
                + "WHERE job_id = $1", recent);
        reconciler.failAbandoned(Duration.ofSeconds(10)).await().atMost(Duration.ofSeconds(30));
        admin().get("/api/cloud/jobs/" + recent).then().statusCode(200).body("status", Matchers.equalTo("pending"));
    }

    @Test
    void aTrainingReplicateAcceptsForAJobThatEndedMeanwhileIsCancelledThere() throws Exception {
        stubCreate("tr_late_1", 2000);
        replicate.stubFor(post("/v1/trainings/tr_late_1/cancel").willReturn(okJson("""
                {"id": "tr_late_1", "status": "canceled", "logs": "", "output": null, "error": null}""")));
        OffsetDateTime before = pool.query("SELECT clock_timestamp()").execute()
                .map(rows -> rows.iterator().next().getOffsetDateTime(0)).await().atMost(Duration.ofSeconds(10));
        CompletableFuture<String> submitted = CompletableFuture.supplyAsync(() -> submit().extract().path("job_id"));
        // the job is stored before the create call: it ends (as the interrupted-submission sweep
        // or an operator would end it) while Replicate is still answering
        String jobId = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (jobId == null && System.nanoTime() < deadline) {
            jobId = pool.preparedQuery("SELECT job_id FROM webhook.job WHERE provider = 'replicate' AND status = 'pending' "
                            + "AND provider_job_id IS NULL AND created_at > $1 ORDER BY created_at DESC LIMIT 1").execute(Tuple.of(before))
                    .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0)).await().atMost(Duration.ofSeconds(10));
        }
        assertTrue(jobId != null, "the job was not stored before the create call");
        sql("UPDATE webhook.job SET status = 'failed', error = 'ended meanwhile', completed_at = now() WHERE job_id = $1", jobId);
        submitted.get(30, TimeUnit.SECONDS);
        replicate.verify(postRequestedFor(urlEqualTo("/v1/trainings/tr_late_1/cancel")));
        admin().get("/api/cloud/jobs/" + jobId).then().statusCode(200)
                .body("status", Matchers.equalTo("failed"))
                .body("provider_job_id", Matchers.equalTo("tr_late_1"));
    }

    private void sql(String statement, Object... params) {
        pool.preparedQuery(statement).execute(Tuple.from(params)).await().atMost(Duration.ofSeconds(10));
    }
}
