package io.tuneops.webhook;

import com.standardwebhooks.Webhook;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static io.tuneops.webhook.Caller.signedNow;
import static io.tuneops.webhook.Caller.snapshot;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Event webhook endpoints at /api/webhooks beside the provider receivers at POST /api/webhooks/{provider}. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class EventWebhooksTest {

    private static LocalReceiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new LocalReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void endpointsAreCreatedReadChangedTestedAndDeleted() throws Exception {
        String created = Caller.admin().body(new JsonObject().put("url", receiver.url("/ep")).put("description", "CI sink")
                        .put("event_types", new JsonArray().add("job.completed").add("approval.*")).encode())
                .post("/api/webhooks").then().statusCode(201).body("id", startsWith("nch_")).body("url", equalTo(receiver.url("/ep")))
                .body("description", equalTo("CI sink")).body("event_types", equalTo(List.of("job.completed", "approval.*")))
                .body("is_enabled", equalTo(true)).body("secret_configured", equalTo(true)).body("secret", startsWith("whsec_"))
                .extract().asString();
        JsonObject endpoint = new JsonObject(created);
        String id = endpoint.getString("id");
        String secret = endpoint.getString("secret");
        try {
            Caller.admin().get("/api/webhooks").then().statusCode(200).body("webhooks.id", hasItem(id));
            String read = Caller.admin().get("/api/webhooks/" + id).then().statusCode(200).body("url", equalTo(receiver.url("/ep")))
                    .extract().asString();
            assertFalse(read.contains(secret));
            Caller.admin().body("{\"event_types\": [\"*\"], \"is_enabled\": false}").patch("/api/webhooks/" + id).then().statusCode(200)
                    .body("event_types", equalTo(List.of("*"))).body("is_enabled", equalTo(false)).body("description", equalTo("CI sink"));
            Caller.admin().body("{\"is_enabled\": true}").put("/api/webhooks/" + id).then().statusCode(200)
                    .body("is_enabled", equalTo(true)).body("event_types", equalTo(List.of("*")));
            Caller.admin().body("{\"url\": \"gopher://x\", \"secret\": \"nope\", \"name\": \"x\"}").patch("/api/webhooks/" + id)
                    .then().statusCode(400).body("errors.field", hasItem("name"));
            Caller.admin().body("{\"url\": \"gopher://x\", \"secret\": \"nope\"}").patch("/api/webhooks/" + id)
                    .then().statusCode(400).body("errors.field", hasItems("url", "secret"));

            // the test action is a real, signed delivery
            Caller.admin().post("/api/webhooks/" + id + "/test").then().statusCode(200).body("success", equalTo(true))
                    .body("status_code", equalTo(200)).body("channel_type", equalTo("webhook"));
            LocalReceiver.Received test = receiver.onPath("/ep").get(receiver.onPath("/ep").size() - 1);
            new Webhook(secret).verify(test.body(), new HashMap<>(test.headers()));
            assertEquals("test", new JsonObject(test.body()).getString("type"));

            String eventId = NotifyFixtures.ingest(new JsonObject().put("event_type", "approval.expired")
                    .put("data", new JsonObject().put("name", "held job")));
            Poll.until(Duration.ofSeconds(20), "delivered", () -> "delivered".equals(Caller.admin().get("/api/webhooks/" + id + "/history")
                    .then().statusCode(200).extract().path("entries.find { it.event_id == '" + eventId + "' }.delivery_status")));
            Caller.admin().get("/api/webhooks/" + id + "/history?limit=0").then().statusCode(400);
            Caller.viewer().get("/api/webhooks/events").then().statusCode(200).body("event_types.id", hasItem("job.stalled"));
        } finally {
            Caller.admin().delete("/api/webhooks/" + id).then().statusCode(204);
        }
        Caller.admin().get("/api/webhooks/" + id).then().statusCode(404);
        Caller.admin().delete("/api/webhooks/" + id).then().statusCode(404);
        Caller.admin().get("/api/webhooks/" + id + "/history").then().statusCode(404);
    }

    @Test
    void aSecretGivenIsUsedAndOtherChannelsAreNoEndpoints() {
        String given = "whsec_" + java.util.Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes());
        String answer = Caller.admin().body(new JsonObject().put("url", "https://sink.example/x").put("secret", given)
                .put("event_types", new JsonArray().add("*")).encode()).post("/api/webhooks").then().statusCode(201)
                .body("$", not(org.hamcrest.Matchers.hasKey("secret"))).extract().asString();
        assertFalse(answer.contains(given));
        String id = new JsonObject(answer).getString("id");
        Caller.admin().delete("/api/webhooks/" + id).then().statusCode(204);

        String slack = Caller.admin().body(new JsonObject().put("channel_type", "slack").put("name", "s")
                .put("webhook_url", "https://hooks.example/s").encode()).post("/api/cloud/notifications/channels")
                .then().statusCode(201).extract().path("id");
        Caller.admin().get("/api/webhooks/" + slack).then().statusCode(404);
        Caller.admin().get("/api/webhooks").then().statusCode(200).body("webhooks.id", not(hasItem(slack)));
        Caller.admin().delete("/api/cloud/notifications/channels/" + slack).then().statusCode(204);

        Caller.admin().body("{\"url\": \"https://sink.example/x\"}").post("/api/webhooks").then().statusCode(400)
                .body("errors.field", hasItem("event_types"));
        Caller.admin().body("{\"event_types\": [\"job.*\"]}").post("/api/webhooks").then().statusCode(400)
                .body("errors.field", hasItem("url"));
    }

    @Test
    void theProviderReceiversStillAnswerBesideTheManagementRoutes() {
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
        String body = snapshot("no-such-job-" + UUID.randomUUID(), "processing");
        // no API key: the signature authenticates a receiver's caller
        signedNow(GENERIC_SECRET, "msg_" + UUID.randomUUID(), body).post("/api/webhooks/generic").then().statusCode(202);
        signedNow("whsec_" + "A".repeat(32), "msg_" + UUID.randomUUID(), body).post("/api/webhooks/generic").then().statusCode(401);
        signedNow(GENERIC_SECRET, "msg_" + UUID.randomUUID(), body).post("/api/webhooks/nosuchprovider").then().statusCode(404)
                .body("detail", containsString("No webhook receiver"));
    }

    @Test
    void managementNeedsAnAdminButTheEventTypesAViewer() {
        RestAssured.given().get("/api/webhooks").then().statusCode(401);
        Caller.viewer().get("/api/webhooks").then().statusCode(403);
        Caller.operator().body("{\"url\": \"https://x.example\", \"event_types\": [\"*\"]}").post("/api/webhooks").then().statusCode(403);
        Caller.operator().get("/api/webhooks/nch_x").then().statusCode(403);
        Caller.operator().delete("/api/webhooks/nch_x").then().statusCode(403);
        Caller.operator().post("/api/webhooks/nch_x/test").then().statusCode(403);
        Caller.operator().get("/api/webhooks/nch_x/history").then().statusCode(403);
        Caller.viewer().get("/api/webhooks/events").then().statusCode(200);
        RestAssured.given().get("/api/webhooks/events").then().statusCode(401);
    }
}
