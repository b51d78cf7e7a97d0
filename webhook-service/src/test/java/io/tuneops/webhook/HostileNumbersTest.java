package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static io.tuneops.webhook.Caller.signedNow;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Numbers JSON can write but nothing can hold (1e999999 is Infinity to the parser), and numbers out
 * of a field's range: a 400 naming the field, nothing stored. A webhook so refused is not retried.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class HostileNumbersTest {

    @Inject
    Pool pool;

    @BeforeEach
    void priced() {
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).put("webhook_require_signature", true)
                        .put("cost_limit", (Object) null)
                        .put("hardware_prices", new JsonObject().put("gpu-a100", 0.001).put("gpu-gold", 1000)).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
    }

    private static String delivery(String jobId, String metrics) {
        return "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\",\"metrics\":" + metrics + "}";
    }

    @Test
    void aSnapshotWithAnInfiniteRunTimeIsRefusedForGoodAndChangesNothing() {
        String jobId = GenericJobLifecycleTest.submitGeneric("{\"hardware\": \"gpu-a100\"}").getString("job_id");
        signedNow(GENERIC_SECRET, "msg_inf_" + jobId, delivery(jobId, "{\"predict_time\": 1e999999}"))
                .post("/api/webhooks/generic").then().statusCode(400)
                .body("detail", containsString("'metrics.predict_time' must be a finite number"));
        signedNow(GENERIC_SECRET, "msg_big_" + jobId, delivery(jobId, "{\"predict_time\": 1e308}"))
                .post("/api/webhooks/generic").then().statusCode(400)
                .body("detail", containsString("'metrics.predict_time' must be a number of seconds from 0 to 31622400"));
        signedNow(GENERIC_SECRET, "msg_neg_" + jobId, delivery(jobId, "{\"predict_time\": -1}"))
                .post("/api/webhooks/generic").then().statusCode(400).body("detail", containsString("metrics.predict_time"));
        signedNow(GENERIC_SECRET, "msg_deep_" + jobId, "{\"id\":\"" + jobId + "\",\"status\":\"processing\","
                        + "\"output\":{\"scores\":[1, 2e400]}}")
                .post("/api/webhooks/generic").then().statusCode(400).body("detail", containsString("'output.scores[1]'"));
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(200).body("status", equalTo("pending"))
                .body("duration_seconds", nullValue()).body("cost_usd", equalTo(0.0f));
        // none was recorded as a delivery: the provider's corrected report under the same id applies
        signedNow(GENERIC_SECRET, "msg_inf_" + jobId, delivery(jobId, "{\"predict_time\": 100}"))
                .post("/api/webhooks/generic").then().statusCode(200).body("status", equalTo("applied"));
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("cost_usd", equalTo(0.1f));
    }

    @Test
    void aRunTimeWhoseCostCannotBeRecordedIsRefusedNot503ForEver() {
        String jobId = GenericJobLifecycleTest.submitGeneric("{\"hardware\": \"gpu-gold\"}").getString("job_id");
        for (int attempt = 0; attempt < 2; attempt++) {
            signedNow(GENERIC_SECRET, "msg_cost_" + jobId, delivery(jobId, "{\"predict_time\": 31000000}"))
                    .post("/api/webhooks/generic").then().statusCode(400)
                    .body("detail", containsString("'metrics.predict_time' of 3.1E7 s on gpu-gold costs more than"));
        }
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().body("status", equalTo("pending"));
    }

    @Test
    void aSubmissionWithAnInfiniteNumberIsRefusedNamingTheField() {
        String name = "inf-" + System.nanoTime();
        Caller.operator().body("{\"name\": \"" + name + "\", \"input\": {\"steps\": 1000, \"lr\": 1e999999}}")
                .post("/api/cloud/jobs?provider=generic").then().statusCode(400)
                .body("detail", equalTo("Invalid number in 'input.lr'"))
                .body("errors.field", hasItem("input.lr"));
        assertEquals(0L, pool.preparedQuery("SELECT count(*) FROM webhook.job WHERE name = $1").execute(Tuple.of(name))
                .await().indefinitely().iterator().next().getLong(0));
    }

    @Test
    void providerFiguresOutOfRangeAreRefusedNamingTheFieldAndChangeNothing() {
        Caller.admin().body("{\"cost_limit\": {\"amount\": 1e999999, \"period\": \"daily\", \"action\": \"block\"}}")
                .put("/api/cloud/providers/generic").then().statusCode(400)
                .body("errors.field", hasItem("cost_limit.amount"));
        Caller.admin().body("{\"cost_limit\": {\"amount\": 1e308, \"period\": \"daily\", \"action\": \"block\"}}")
                .put("/api/cloud/providers/generic").then().statusCode(400)
                .body("errors.find { it.field == 'cost_limit' }.message", containsString("at most 1000000000"));
        Caller.admin().body("{\"hardware_prices\": {\"gpu-a100\": 1e999999}}").put("/api/cloud/providers/generic").then()
                .statusCode(400).body("errors.field", hasItem("hardware_prices.gpu-a100"));
        Caller.admin().body("{\"hardware_prices\": {\"gpu-a100\": 1e308}}").put("/api/cloud/providers/generic").then()
                .statusCode(400).body("errors.field", hasItem("hardware_prices"));
        Caller.admin().body("{\"http_timeout\": -5}").put("/api/cloud/providers/generic").then().statusCode(400)
                .body("errors.field", hasItem("http_timeout"));
        Caller.admin().body("{\"http_timeout\": 1e999999}").put("/api/cloud/providers/generic").then().statusCode(400)
                .body("errors.field", hasItem("http_timeout"));
        Caller.admin().get("/api/cloud/providers/generic").then().statusCode(200)
                .body("cost_limit", nullValue()).body("hardware_prices.gpu-a100", equalTo(0.001f));
    }
}
