package io.tuneops.webhook;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a Replicate job ends when its end and tuneops' part in it cross: a cancel that reaches a
 * training already ended, the run time Replicate bills for a cancelled one (in its answer to the
 * cancel and in its later report), a training Replicate no longer knows, and an accepted training
 * whose id tuneops cannot store.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class ReplicateJobEndingsTest {

    static final String SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    static final String TRAININGS = "/v1/models/acme/flux-dev/versions/[0-9a-f]+/trainings";

    @RegisterExtension
    static final WireMockExtension replicate = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Inject
    Pool pool;

    @BeforeEach
    void provider() {
        replicate.resetAll();
        replicate.stubFor(get("/v1/webhooks/default/secret").willReturn(okJson("{\"key\": \"" + SECRET + "\"}")));
        Caller.admin().body(new JsonObject().put("api_base_url", "http://localhost:" + replicate.getPort())
                        .put("api_token", "r8_endings_test_token_0123456789abcdef").put("proxy_url", (Object) null)
                        .put("ssl_ca_bundle", (Object) null).put("cost_limit", (Object) null)
                        .put("hardware_prices", new JsonObject().put("gpu-a100", 0.5)).encode())
                .put("/api/cloud/providers/replicate").then().statusCode(200);
    }

    private static String training(String id, String status, String extra) {
        return "{\"id\": \"" + id + "\", \"model\": \"acme/flux-dev\", \"input\": {}, \"logs\": \"\", \"output\": null, "
                + "\"error\": null, \"status\": \"" + status + "\", \"created_at\": \"2026-12-06T09:00:00.000Z\"" + extra + "}";
    }

    /** Submits a Replicate job that Replicate takes as training {@code trainingId}; the submit's answer status. */
    private static int submit(String trainingId, String idempotencyKey) {
        replicate.stubFor(post(urlPathMatching(TRAININGS)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(training(trainingId, "starting", ""))));
        return Caller.operator().body("{\"version\": \"acme/flux-dev:" + "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"
                        + "\", \"destination\": \"acme/lora\", \"hardware\": \"gpu-a100\", \"idempotency_key\": \"" + idempotencyKey
                        + "\", \"input\": {\"steps\": 10}}")
                .post("/api/cloud/jobs/submit").then().extract().statusCode();
    }

    private String jobOf(String trainingId) {
        return one("SELECT job_id FROM webhook.job WHERE provider_job_id = $1", trainingId);
    }

    private String one(String sql, String parameter) {
        RowSet<Row> rows = pool.preparedQuery(sql).execute(Tuple.of(parameter)).await().atMost(Duration.ofSeconds(10));
        assertEquals(1, rows.size(), sql + " " + parameter);
        return rows.iterator().next().getString(0);
    }

    private static void cancelAnswers(String trainingId, int status, String body) {
        replicate.stubFor(post(urlPathEqualTo("/v1/trainings/" + trainingId + "/cancel")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    @Test
    void aTrainingThatEndedBeforeTheCancelReachedItStandsAsItEnded() {
        String trainingId = "tr_ended_first_" + System.nanoTime();
        submit(trainingId, trainingId);
        String jobId = jobOf(trainingId);
        cancelAnswers(trainingId, 200, training(trainingId, "succeeded",
                ", \"output\": {\"weights\": \"https://example.com/w.tar\"}, \"metrics\": {\"predict_time\": 30.0}"));
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(409).body("status", equalTo("completed"));
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("completed"))
                .body("cost_usd", equalTo(15.0f)).body("output.weights", equalTo("https://example.com/w.tar"));
    }

    @Test
    void aCancelledTrainingIsPricedByTheRunTimeReplicateBills() {
        String trainingId = "tr_billed_" + System.nanoTime();
        submit(trainingId, trainingId);
        String jobId = jobOf(trainingId);
        cancelAnswers(trainingId, 200, training(trainingId, "canceled", ", \"metrics\": {\"predict_time\": 10.0}"));
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(200);
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("cancelled")).body("cost_usd", equalTo(5.0f));
        // Replicate's own report of the cancel comes later, with the run time it settled on
        Caller.signedNow(SECRET, "msg_" + trainingId, training(trainingId, "canceled", ", \"metrics\": {\"predict_time\": 12.0}"))
                .post("/api/webhooks/replicate").then().statusCode(200).body("status", equalTo("applied"));
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("cancelled")).body("cost_usd", equalTo(6.0f));
    }

    @Test
    void aTrainingReplicateNoLongerKnowsIsCancelledHere() {
        String trainingId = "tr_gone_" + System.nanoTime();
        submit(trainingId, trainingId);
        String jobId = jobOf(trainingId);
        cancelAnswers(trainingId, 404, "{\"detail\": \"Not found.\", \"status\": 404}");
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(200);
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("cancelled"))
                .body("provider_status", nullValue());
    }

    @Test
    void anAcceptedTrainingWhoseIdCannotBeStoredIsCancelledAtReplicate() {
        String trainingId = "tr_unrecordable_" + System.nanoTime();
        refuseProviderId(trainingId, "true");
        try {
            cancelAnswers(trainingId, 200, training(trainingId, "canceled", ""));
            String key = "unrecordable-" + System.nanoTime();
            int status = submit(trainingId, key);
            assertTrue(status >= 500, "answered " + status);
            replicate.verify(1, postRequestedFor(urlPathEqualTo("/v1/trainings/" + trainingId + "/cancel")));
            // the job did not stay pending with nothing to follow it
            assertEquals("failed", one("SELECT status FROM webhook.job WHERE idempotency_key = $1", key));
        } finally {
            dropRefusal();
        }
    }

    @Test
    void anIdStoredAtASecondAttemptKeepsItsTraining() {
        String trainingId = "tr_second_try_" + System.nanoTime();
        refuseProviderId(trainingId, "nextval('webhook.refuse_once') = 1");
        try {
            assertEquals(201, submit(trainingId, trainingId));
            replicate.verify(0, postRequestedFor(urlPathMatching("/v1/trainings/.*/cancel")));
            Caller.viewer().get("/api/cloud/jobs/" + jobOf(trainingId)).then().body("status", equalTo("queued"));
        } finally {
            dropRefusal();
        }
    }

    /** PostgreSQL refuses to store {@code trainingId} as a job's provider id while {@code condition} holds. */
    private void refuseProviderId(String trainingId, String condition) {
        run("CREATE SEQUENCE IF NOT EXISTS webhook.refuse_once");
        run("ALTER SEQUENCE webhook.refuse_once RESTART");
        run("""
                CREATE OR REPLACE FUNCTION webhook.refuse_provider_id() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.provider_job_id = '%s' THEN
                        IF %s THEN
                            RAISE EXCEPTION 'provider id refused by the test';
                        END IF;
                    END IF;
                    RETURN NEW;
                END $$""".formatted(trainingId, condition));
        run("CREATE TRIGGER refuse_provider_id BEFORE UPDATE ON webhook.job FOR EACH ROW EXECUTE FUNCTION webhook.refuse_provider_id()");
    }

    private void dropRefusal() {
        run("DROP TRIGGER IF EXISTS refuse_provider_id ON webhook.job");
        run("DROP FUNCTION IF EXISTS webhook.refuse_provider_id()");
    }

    private void run(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofSeconds(10));
    }
}
