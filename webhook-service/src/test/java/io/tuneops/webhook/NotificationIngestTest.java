package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** POST /internal/notifications/events: idempotent on event_id, validated, internal only. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationIngestTest {

    private static final String ROUTE = "/internal/notifications/events";

    @Inject
    Pool pool;

    private Row stored(String eventId) {
        var rows = pool.preparedQuery("SELECT * FROM webhook.notification_event WHERE event_id = $1").execute(Tuple.of(eventId))
                .await().indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    @Test
    void anEventIsStoredOnceHoweverOftenItIsSent() {
        String eventId = NotifyFixtures.id("evt_upload") + ":first";
        JsonObject event = new JsonObject().put("event_id", eventId).put("event_type", "upload.completed").put("job_id", "job_1")
                .put("user_id", "usr_1").put("occurred_at", "2026-01-31T12:00:00Z")
                .put("data", new JsonObject().put("job_id", "job_1").put("position", "first").put("key", "job_1/a.safetensors"));
        Caller.as("service:storage", "").body(event.encode()).post(ROUTE).then().statusCode(202)
                .body("event_id", equalTo(eventId)).body("created", equalTo(true));
        Caller.as("service:storage", "").body(event.copy().put("data", new JsonObject().put("changed", true)).encode()).post(ROUTE)
                .then().statusCode(202).body("created", equalTo(false));
        Row row = stored(eventId);
        assertEquals("info", row.getString("severity"));
        assertEquals("first", row.getJsonObject("data").getString("position"));
        assertEquals("usr_1", row.getString("user_id"));
        assertEquals("2026-01-31T12:00Z", row.getOffsetDateTime("occurred_at").toString());
        // routed, though nobody asked for it
        Poll.until(Duration.ofSeconds(20), "routed", () -> stored(eventId).getOffsetDateTime("routed_at") != null);
    }

    @Test
    void anUploadEventNamingOnlyItsJobIsGivenTheJobsPeople() {
        String jobId = Caller.person("usr_ingest", "operator", "org_ingest", "team_ingest").body("{\"name\": \"ingest-subject\", \"hardware\": \"gpu-a100\"}")
                .post("/api/cloud/jobs/submit?provider=generic").then().statusCode(201).extract().path("job_id");
        String eventId = NotifyFixtures.id("evt_upload_first");
        Caller.as("service:storage", "").body(new JsonObject().put("event_id", eventId).put("event_type", "upload.completed")
                .put("job_id", jobId).put("data", new JsonObject().put("position", "first")).encode()).post(ROUTE)
                .then().statusCode(202).body("created", equalTo(true));
        Row row = stored(eventId);
        assertEquals("usr_ingest", row.getString("user_id"));
        assertEquals("team_ingest", row.getString("team_id"));
        assertEquals("org_ingest", row.getString("org_id"));
    }

    @Test
    void theEventTypesSeverityIsTheDefaultAndAGivenOneIsKept() {
        String id = NotifyFixtures.ingest(new JsonObject().put("event_type", "system.audit_chain_broken")
                .put("data", new JsonObject().put("component", "audit-service").put("first_broken_id", "42")));
        assertEquals("critical", stored(id).getString("severity"));
        String given = NotifyFixtures.ingest(new JsonObject().put("event_type", "cost.threshold").put("severity", "error"));
        assertEquals("error", stored(given).getString("severity"));
    }

    @Test
    void badEventsAreRefused() {
        Caller.as("service:audit", "").body("{\"event_id\": \"evt_1\", \"event_type\": \"job.exploded\"}").post(ROUTE).then()
                .statusCode(400).body("detail", containsString("event_type"));
        Caller.as("service:audit", "").body("{\"event_id\": \"evt 1/../x\", \"event_type\": \"job.failed\"}").post(ROUTE).then()
                .statusCode(400).body("detail", containsString("event_id"));
        Caller.as("service:audit", "").body("{\"event_id\": \"" + "e".repeat(121) + "\", \"event_type\": \"job.failed\"}").post(ROUTE)
                .then().statusCode(400);
        Caller.as("service:audit", "").body("{\"event_id\": \"evt_2\", \"event_type\": \"job.failed\", \"severity\": \"dire\"}")
                .post(ROUTE).then().statusCode(400).body("detail", containsString("severity"));
        Caller.as("service:audit", "").body("{\"event_id\": \"evt_3\", \"event_type\": \"job.failed\", \"data\": [1]}")
                .post(ROUTE).then().statusCode(400).body("detail", containsString("data"));
        Caller.as("service:audit", "").body("not json").post(ROUTE).then().statusCode(400);
    }

    @Test
    void onlyCallersHoldingTheInternalSecretAreAnswered() {
        RestAssured.given().contentType("application/json").body("{\"event_id\": \"evt_x\", \"event_type\": \"job.failed\"}")
                .post(ROUTE).then().statusCode(403);
        assertEquals(null, stored("evt_x"));
    }
}
