package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tuneops.webhook.Caller.signedNow;
import static io.tuneops.webhook.Caller.snapshot;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment's default signing secrets (TUNEOPS_WEBHOOK_SECRET_GENERIC / _REPLICATE, which the
 * chart fills from a mounted Secret): they verify deliveries when the API set no webhook_secret,
 * an API-set secret overrides them, and no response or log line ever shows them.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@TestProfile(WebhookSecretDefaultsTest.WithDefaults.class)
class WebhookSecretDefaultsTest {

    static final String GENERIC_DEFAULT = "whsec_3pJn6jJpNw35GU5pge+dWN4aYNfTNo2tbVkHffUlW+Y=";
    static final String REPLICATE_DEFAULT = "whsec_NE7HwJi9gyfQnOhLknipUuL/1iEe60/z7bwzcHfQFNg=";
    static final String API_SECRET = "whsec_2ONfGOqoeFYFGp3ic65yxiVm+3r31sjq";
    static final Path LOG = Path.of("target", "webhook-secret-defaults.log");

    public static class WithDefaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.deleteIfExists(LOG);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            // the variables application.properties maps onto tuneops.webhooks.secrets.*; every
            // line the service logs also goes to a file the test reads back
            return Map.of("TUNEOPS_WEBHOOK_SECRET_GENERIC", GENERIC_DEFAULT,
                    "TUNEOPS_WEBHOOK_SECRET_REPLICATE", REPLICATE_DEFAULT,
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toAbsolutePath().toString(),
                    "quarkus.log.category.\"io.tuneops\".level", "DEBUG");
        }
    }

    private final List<String> responses = new ArrayList<>();

    @BeforeEach
    void noApiSecrets() {
        for (String provider : List.of("generic", "replicate")) {
            responses.add(Caller.admin().body(new JsonObject().put("webhook_secret", (Object) null)
                            .put("webhook_require_signature", true).encode())
                    .put("/api/cloud/providers/" + provider).then().statusCode(200).extract().asString());
        }
    }

    private String submitGeneric() {
        return Caller.operator().body("{\"name\": \"default-secret\"}").post("/api/cloud/jobs?provider=generic")
                .then().statusCode(201).extract().path("job_id");
    }

    @Test
    void aDeliverySignedWithTheConfiguredSecretIsAcceptedWhenTheApiSetNone() {
        responses.add(Caller.viewer().get("/api/cloud/providers/generic").then().statusCode(200)
                .body("webhook_secret_configured", equalTo(true))
                .body("webhook_secret_source", equalTo("configuration")).extract().asString());
        String jobId = submitGeneric();
        signedNow(GENERIC_DEFAULT, "msg_" + jobId + "_1", snapshot(jobId, "processing")).post("/api/webhooks/generic")
                .then().statusCode(200).body("status", equalTo("applied")).body("job_status", equalTo("running"));
        signedNow(API_SECRET, "msg_" + jobId + "_2", snapshot(jobId, "succeeded")).post("/api/webhooks/generic")
                .then().statusCode(401);
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("running"));

        // Replicate: the configured secret verifies without fetching Replicate's (no token here, no Replicate)
        responses.add(Caller.viewer().get("/api/cloud/providers/replicate").then().statusCode(200)
                .body("webhook_secret_configured", equalTo(true))
                .body("webhook_secret_source", equalTo("configuration")).extract().asString());
        signedNow(REPLICATE_DEFAULT, "msg_unknown_training_" + jobId, snapshot("tr-unknown-" + jobId, "processing"))
                .post("/api/webhooks/replicate").then().statusCode(202).body("status", equalTo("ignored"));
        signedNow(GENERIC_DEFAULT, "msg_wrong_provider_secret_" + jobId, snapshot("tr-unknown-" + jobId, "processing"))
                .post("/api/webhooks/replicate").then().statusCode(401);
    }

    @Test
    void aSecretSetThroughTheApiOverridesTheConfiguredOneUntilItIsRemoved() {
        String jobId = submitGeneric();
        responses.add(Caller.admin().body(new JsonObject().put("webhook_secret", API_SECRET).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200)
                .body("webhook_secret_configured", equalTo(true))
                .body("webhook_secret_source", equalTo("api")).extract().asString());
        signedNow(GENERIC_DEFAULT, "msg_" + jobId + "_default", snapshot(jobId, "processing")).post("/api/webhooks/generic")
                .then().statusCode(401);
        signedNow(API_SECRET, "msg_" + jobId + "_api", snapshot(jobId, "processing")).post("/api/webhooks/generic")
                .then().statusCode(200).body("status", equalTo("applied"));

        // removed through the API: the configured default applies again
        responses.add(Caller.admin().body(new JsonObject().put("webhook_secret", (Object) null).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200)
                .body("webhook_secret_source", equalTo("configuration")).extract().asString());
        signedNow(API_SECRET, "msg_" + jobId + "_api_again", snapshot(jobId, "succeeded")).post("/api/webhooks/generic")
                .then().statusCode(401);
        signedNow(GENERIC_DEFAULT, "msg_" + jobId + "_default_again", snapshot(jobId, "succeeded"))
                .post("/api/webhooks/generic").then().statusCode(200).body("job_status", equalTo("completed"));
    }

    @Test
    void theSecretsAppearInNoResponseAndNoLogLine() throws IOException {
        responses.add(Caller.viewer().get("/api/cloud/providers").then().statusCode(200).extract().asString());
        responses.add(Caller.viewer().get("/api/cloud/providers/generic/config").then().statusCode(200)
                .body("webhook_secret", nullValue()).extract().asString());
        responses.add(Caller.admin().body(new JsonObject().put("webhook_secret", API_SECRET).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200).extract().asString());
        // a rejected delivery logs why; the reason must not carry a secret
        signedNow(GENERIC_DEFAULT, "msg_rejected_for_the_log", snapshot("job-x", "processing"))
                .post("/api/webhooks/generic").then().statusCode(401);

        String log = Files.readString(LOG);
        assertTrue(log.contains("default webhook signing secret configured for replicate, generic"),
                "the start-up line names the providers; the log file is the service's: " + LOG);
        assertTrue(log.contains("webhook for generic from"), "the rejection was logged to the file read here");
        for (String secret : List.of(GENERIC_DEFAULT, REPLICATE_DEFAULT, API_SECRET)) {
            String material = secret.substring("whsec_".length());
            assertFalse(log.contains(material), "a signing secret in the service log");
            for (String response : responses) {
                assertFalse(response.contains(material), "a signing secret in a response: " + response);
            }
        }
        assertTrue(responses.size() >= 5, "responses checked: " + responses.size());
    }
}
