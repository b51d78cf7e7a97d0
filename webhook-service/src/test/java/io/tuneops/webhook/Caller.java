package io.tuneops.webhook;

import com.standardwebhooks.Webhook;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests as the gateway forwards them (identity headers vouched by the internal secret), and signed webhooks. */
final class Caller {

    static final String GATEWAY_SECRET = "test-only-internal-secret-0123456789abcdef";
    static final String GENERIC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private Caller() {
    }

    static RequestSpecification as(String actor, String scopes) {
        return RestAssured.given().contentType("application/json")
                .header("X-Tuneops-Gateway-Secret", GATEWAY_SECRET)
                .header("X-Tuneops-Actor", actor)
                .header("X-Tuneops-Scopes", scopes)
                .header("X-Tuneops-Client-IP", "198.51.100.7");
    }

    /** A person's request: their key's effective role, and the user, organisation and teams the gateway vouched for. */
    static RequestSpecification person(String userId, String scopes, String orgId, String... teams) {
        RequestSpecification spec = as("user:" + userId, scopes).header("X-Tuneops-User", userId)
                .header("X-Tuneops-Username", "name-" + userId);
        if (orgId != null) {
            spec = spec.header("X-Tuneops-Org", orgId);
        }
        return teams.length == 0 ? spec : spec.header("X-Tuneops-Teams", String.join(",", teams));
    }

    static RequestSpecification as(String actor) {
        return as(actor, "operator");
    }

    static RequestSpecification admin() {
        return as("key_test_admin", "admin");
    }

    static RequestSpecification operator() {
        return as("key_test_operator", "operator");
    }

    static RequestSpecification viewer() {
        return as("key_test_viewer", "viewer");
    }

    /** A delivery signed the way Standard Webhooks senders (Replicate, generic runners) sign. */
    static RequestSpecification signed(String secret, String webhookId, long timestamp, String body) {
        try {
            String signature = new Webhook(secret).sign(webhookId, timestamp, body);
            return RestAssured.given().contentType("application/json")
                    .header("webhook-id", webhookId)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signature)
                    .body(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static RequestSpecification signedNow(String secret, String webhookId, String body) {
        return signed(secret, webhookId, System.currentTimeMillis() / 1000, body);
    }

    static String snapshot(String id, String status) {
        return "{\"id\":\"" + id + "\",\"status\":\"" + status + "\"}";
    }
}
