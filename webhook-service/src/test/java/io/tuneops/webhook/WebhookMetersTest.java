package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static io.tuneops.webhook.Caller.signedNow;
import static io.tuneops.webhook.Caller.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** tuneops_webhook_deliveries_total on /q/metrics: what the webhooks dashboard and the rejection alert read. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class WebhookMetersTest {

    private static double deliveries(String provider, String outcome) {
        String text = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^tuneops_webhook_deliveries_total\\{(?=[^}]*outcome=\"" + outcome + "\")(?=[^}]*provider=\""
                + provider + "\")[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no deliveries series for " + provider + "/" + outcome + " in\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void everyDeliveryIsCountedByProviderAndOutcome() {
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).put("webhook_require_signature", true).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
        // registered at start, so they are exported before the first delivery
        double rejected = deliveries("generic", "rejected_signature");
        double ignored = deliveries("generic", "ignored");
        double invalid = deliveries("generic", "invalid");
        double unknown = deliveries("unknown", "unknown_provider");
        deliveries("replicate", "applied");

        String body = snapshot("no-such-job-" + UUID.randomUUID(), "processing");
        signedNow("whsec_" + "A".repeat(32), "msg_" + UUID.randomUUID(), body).post("/api/webhooks/generic").then().statusCode(401);
        signedNow("whsec_" + "A".repeat(32), "msg_" + UUID.randomUUID(), body).post("/api/webhooks/generic").then().statusCode(401);
        signedNow(GENERIC_SECRET, "msg_" + UUID.randomUUID(), body).post("/api/webhooks/generic").then().statusCode(202);
        signedNow(GENERIC_SECRET, "msg_" + UUID.randomUUID(), "[1]").post("/api/webhooks/generic").then().statusCode(400);
        signedNow(GENERIC_SECRET, "msg_" + UUID.randomUUID(), body).post("/api/webhooks/nosuchprovider").then().statusCode(404);

        assertEquals(rejected + 2, deliveries("generic", "rejected_signature"));
        assertEquals(ignored + 1, deliveries("generic", "ignored"));
        assertEquals(invalid + 1, deliveries("generic", "invalid"));
        assertEquals(unknown + 1, deliveries("unknown", "unknown_provider"));
    }
}
