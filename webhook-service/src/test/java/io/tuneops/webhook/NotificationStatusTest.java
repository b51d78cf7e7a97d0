package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;

/** The status route and the setup prompt's dismissal. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationStatusTest {

    @Test
    void theStatusCountsChannelsAndDeliveriesAndSkippingIsRemembered() {
        String id = Caller.admin().body(new JsonObject().put("channel_type", "slack").put("name", "s")
                .put("webhook_url", "https://hooks.example/s").encode()).post("/api/cloud/notifications/channels")
                .then().statusCode(201).extract().path("id");
        try {
            Caller.viewer().get("/api/cloud/notifications/status").then().statusCode(200)
                    .body("initialized", equalTo(true)).body("channels.total", greaterThanOrEqualTo(1))
                    .body("channels.by_type.slack", greaterThanOrEqualTo(1)).body("response_handlers.total", equalTo(1))
                    .body("response_handlers.running", equalTo(1)).body("stats.pending", notNullValue())
                    .body("stats.delivered_24h", notNullValue()).body("preferences", greaterThanOrEqualTo(0));
            Caller.viewer().post("/api/cloud/notifications/skip").then().statusCode(403);
            Caller.admin().post("/api/cloud/notifications/skip").then().statusCode(200).body("skipped", equalTo(true));
            Caller.viewer().get("/api/cloud/notifications/status").then().statusCode(200).body("skipped", equalTo(true));
        } finally {
            Caller.admin().delete("/api/cloud/notifications/channels/" + id).then().statusCode(204);
        }
    }

    @Test
    void theHistoryIsForAdminsAndItsFiltersAreValidated() {
        Caller.viewer().get("/api/cloud/notifications/history").then().statusCode(403);
        Caller.admin().get("/api/cloud/notifications/history?limit=501&offset=-1&status=lost&since=yesterday").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("limit", "offset", "status", "since"));
        Caller.admin().get("/api/cloud/notifications/history?limit=1").then().statusCode(200).body("total", notNullValue());
    }
}
