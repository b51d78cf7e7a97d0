package io.tuneops.webhook;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notification channels: create, read, change, delete; secrets write-only and sealed; validation; access; audit. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationChannelsTest {

    private static final String BASE = "/api/cloud/notifications/channels";
    private static final String SMTP_PASSWORD = "smtp-pass-" + NotifyFixtures.id("x");
    private static final String SLACK_URL = "https://hooks.slack.example/services/T000/B000/" + NotifyFixtures.id("tok");

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    private final List<String> created = new ArrayList<>();

    @AfterEach
    void deleteChannels() {
        created.forEach(id -> Caller.admin().delete(BASE + "/" + id));
    }

    private String create(JsonObject body) {
        String id = Caller.admin().body(body.encode()).post(BASE).then().statusCode(201).extract().path("id");
        created.add(id);
        return id;
    }

    private static JsonObject email() {
        return new JsonObject().put("channel_type", "email").put("name", "Ops mail").put("preset", "gmail")
                .put("smtp_username", "ops@example.com").put("smtp_password", SMTP_PASSWORD)
                .put("smtp_from_address", "ops@example.com").put("smtp_from_name", "tuneops");
    }

    @Test
    void anEmailChannelIsCreatedFromAPresetAndItsPasswordIsNeverShown() {
        String answer = Caller.admin().body(email().encode()).post(BASE).then().statusCode(201)
                .body("id", startsWith("nch_")).body("channel_type", equalTo("email")).body("is_enabled", equalTo(true))
                .body("smtp_host", equalTo("smtp.gmail.com")).body("smtp_port", equalTo(587))
                .body("smtp_security", equalTo("starttls")).body("smtp_use_tls", equalTo(true))
                .body("smtp_from_name", equalTo("tuneops")).body("secret_configured", equalTo(true))
                .body("webhook_url", nullValue()).body("$", not(org.hamcrest.Matchers.hasKey("secret")))
                .extract().asString();
        String id = new JsonObject(answer).getString("id");
        created.add(id);
        assertFalse(answer.contains(SMTP_PASSWORD));
        String read = Caller.viewer().get(BASE + "/" + id).then().statusCode(200).body("name", equalTo("Ops mail")).extract().asString();
        assertFalse(read.contains(SMTP_PASSWORD));
        String list = Caller.viewer().get(BASE).then().statusCode(200).body("channels.id", hasItem(id)).extract().asString();
        assertFalse(list.contains(SMTP_PASSWORD));

        // sealed at rest, bound to its channel
        byte[] sealed = pool.preparedQuery("SELECT secret_ciphertext FROM webhook.notification_channel WHERE id = $1")
                .execute(Tuple.of(id)).await().indefinitely().iterator().next().getBuffer("secret_ciphertext").getBytes();
        assertFalse(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1).contains(SMTP_PASSWORD));
    }

    @Test
    void aSlackUrlIsASecretAndAWebhookSecretIsShownOnceWhenGenerated() {
        String slackAnswer = Caller.admin().body(new JsonObject().put("channel_type", "slack").put("name", "alerts")
                .put("slack_webhook_url", SLACK_URL).encode()).post(BASE).then().statusCode(201)
                .body("webhook_url", nullValue()).body("secret_configured", equalTo(true)).extract().asString();
        created.add(new JsonObject(slackAnswer).getString("id"));
        assertFalse(slackAnswer.contains("hooks.slack.example"));

        String webhook = Caller.admin().body(new JsonObject().put("channel_type", "webhook").put("name", "sink")
                .put("webhook_url", "https://sink.example/hooks").put("event_types", new JsonArray().add("job.*")).encode())
                .post(BASE).then().statusCode(201).body("webhook_url", equalTo("https://sink.example/hooks"))
                .body("event_types", equalTo(List.of("job.*"))).body("secret", startsWith("whsec_")).extract().asString();
        JsonObject view = new JsonObject(webhook);
        created.add(view.getString("id"));
        String secret = view.getString("secret");
        String again = Caller.admin().get(BASE + "/" + view.getString("id")).then().statusCode(200)
                .body("secret_configured", equalTo(true)).extract().asString();
        assertFalse(again.contains(secret));
        assertFalse(again.contains("\"secret\""));

        // a secret given is kept, never echoed
        String given = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);
        String withGiven = Caller.admin().body(new JsonObject().put("channel_type", "webhook").put("name", "sink2")
                .put("webhook_url", "https://sink.example/2").put("webhook_secret", given).encode())
                .post(BASE).then().statusCode(201).extract().asString();
        created.add(new JsonObject(withGiven).getString("id"));
        assertFalse(withGiven.contains(given));
    }

    @Test
    void aChangeKeepsAbsentFieldsAndSecretsAndAnEmptyPasswordClearsIt() {
        String id = create(email());
        Caller.admin().body("{\"name\": \"Renamed\", \"is_enabled\": false}").patch(BASE + "/" + id).then().statusCode(200)
                .body("name", equalTo("Renamed")).body("is_enabled", equalTo(false)).body("smtp_host", equalTo("smtp.gmail.com"))
                .body("secret_configured", equalTo(true));
        Caller.admin().body("{\"smtp_security\": \"tls\", \"smtp_port\": 465}").put(BASE + "/" + id).then().statusCode(200)
                .body("smtp_security", equalTo("tls")).body("smtp_port", equalTo(465)).body("name", equalTo("Renamed"))
                .body("secret_configured", equalTo(true));
        Caller.admin().body("{\"smtp_password\": \"\"}").patch(BASE + "/" + id).then().statusCode(200)
                .body("secret_configured", equalTo(false));
        Caller.admin().body("{\"channel_type\": \"slack\"}").patch(BASE + "/" + id).then().statusCode(400)
                .body("errors.field", hasItem("channel_type"));
        Caller.admin().body("{\"name\": \"x\"}").patch(BASE + "/nch_nosuchchannel").then().statusCode(404);
    }

    @Test
    void invalidChannelsAreRefusedWithEveryFieldNamedAndNothingStored() {
        long before = count();
        Caller.admin().body("{}").post(BASE).then().statusCode(400)
                .body("detail", equalTo("Invalid channel")).body("errors.field", hasItems("channel_type", "name"));
        Caller.admin().body(new JsonObject().put("channel_type", "email").put("name", "m").put("smtp_port", 70000)
                        .put("smtp_security", "ssl").put("smtp_from_address", "not-an-address").put("webhook_url", "https://x.example")
                        .put("bogus", 1).encode())
                .post(BASE).then().statusCode(400)
                .body("errors.field", hasItems("smtp_host", "smtp_port", "smtp_security", "smtp_from_address", "webhook_url", "bogus"));
        Caller.admin().body(new JsonObject().put("channel_type", "webhook").put("name", "w").put("webhook_url", "ftp://x.example")
                        .put("webhook_secret", "not-a-secret").put("event_types", new JsonArray().add("job.nope").add("nope.*")).encode())
                .post(BASE).then().statusCode(400)
                .body("errors.field", hasItems("webhook_url", "webhook_secret", "event_types"));
        Caller.admin().body(new JsonObject().put("channel_type", "slack").put("name", "s").encode())
                .post(BASE).then().statusCode(400).body("errors.field", hasItem("webhook_url"));
        Caller.admin().body(new JsonObject().put("channel_type", "webhook").put("name", "w")
                        .put("webhook_url", "https://user:pw@x.example/hook").encode())
                .post(BASE).then().statusCode(400).body("errors[0].message", containsString("user name"));
        Caller.admin().body("[1]").post(BASE).then().statusCode(400);
        assertEquals(before, count());
    }

    @Test
    void onlyAdminsChangeOrTestChannelsViewersReadThem() {
        String id = create(email());
        Caller.viewer().get(BASE).then().statusCode(200);
        Caller.viewer().get(BASE + "/" + id).then().statusCode(200);
        Caller.operator().body(email().encode()).post(BASE).then().statusCode(403);
        Caller.operator().body("{\"name\": \"x\"}").patch(BASE + "/" + id).then().statusCode(403);
        Caller.operator().delete(BASE + "/" + id).then().statusCode(403);
        Caller.operator().post(BASE + "/" + id + "/test").then().statusCode(403);
        RestAssured.given().get(BASE).then().statusCode(401);
        Caller.admin().post(BASE + "/nch_nosuchchannel/test").then().statusCode(404);
        Caller.admin().delete(BASE + "/" + id).then().statusCode(204);
        Caller.admin().delete(BASE + "/" + id).then().statusCode(404);
        Caller.viewer().get(BASE + "/" + id).then().statusCode(404);
    }

    @Test
    void everyChangeIsAuditedWithoutItsSecret() {
        String id = create(email());
        Caller.admin().body(new JsonObject().put("smtp_password", SMTP_PASSWORD + "-new").encode()).patch(BASE + "/" + id)
                .then().statusCode(200);
        Caller.admin().delete(BASE + "/" + id).then().statusCode(204);
        List<JsonObject> events = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+")).stream()
                .map(m -> new JsonObject(m.payload().get("event"))).filter(e -> id.equals(e.getString("target_id"))).toList();
        assertEquals(List.of("notification_channel.created", "notification_channel.updated", "notification_channel.deleted"),
                events.stream().map(e -> e.getString("type")).toList());
        assertEquals("key_test_admin", events.get(0).getString("actor"));
        assertTrue(events.get(1).getJsonObject("details").getBoolean("secret_changed"));
        assertTrue(events.get(1).getJsonObject("details").getJsonArray("fields").contains("smtp_password"));
        events.forEach(e -> assertFalse(e.encode().contains(SMTP_PASSWORD), e.encode()));
    }

    @Test
    void presetsAndEventTypesAreListed() {
        Caller.viewer().get("/api/cloud/notifications/presets").then().statusCode(200)
                .body("presets.id", equalTo(List.of("gmail", "outlook", "office365", "yahoo", "icloud", "sendgrid", "mailgun",
                        "ses", "zoho", "custom")))
                .body("presets.find { it.id == 'ses' }.smtp_host", equalTo("email-smtp.us-east-1.amazonaws.com"));
        Caller.viewer().get("/api/cloud/notifications/presets/sendgrid").then().statusCode(200)
                .body("smtp_port", equalTo(587)).body("smtp_use_tls", equalTo(true));
        Caller.viewer().get("/api/cloud/notifications/presets/nope").then().statusCode(404);
        Caller.viewer().get("/api/cloud/notifications/events").then().statusCode(200)
                .body("event_types.id", hasItems("job.failed", "job.stalled", "upload.completed", "approval.requested",
                        "cost.threshold", "system.audit_chain_broken"))
                .body("event_types.find { it.id == 'job.failed' }.severity", equalTo("error"))
                .body("event_types.find { it.id == 'system.circuit_open' }.category", equalTo("System"));
    }

    private long count() {
        return pool.query("SELECT count(*) FROM webhook.notification_channel").execute().await().indefinitely()
                .iterator().next().getLong(0);
    }
}
