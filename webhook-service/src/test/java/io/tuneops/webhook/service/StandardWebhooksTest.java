package io.tuneops.webhook.service;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardWebhooksTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String BODY = "{\"test\": 2432232314}";

    private static Map<String, List<String>> headers(String id, long ts, String signature) {
        return Map.of("Webhook-Id", List.of(id), "webhook-timestamp", List.of(Long.toString(ts)),
                "webhook-signature", List.of(signature));
    }

    @Test
    void theSpecificationsTestVectorSignsAsPublished() throws Exception {
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", new Webhook(SECRET).sign(ID, 1614265330L, BODY));
    }

    @Test
    void aFreshSignatureVerifiesAndAnyChangeDoesNot() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String signature = new Webhook(SECRET).sign(ID, now, BODY);
        assertTrue(WebhookIngestion.check(SECRET, headers(ID, now, signature), BODY).isEmpty());
        assertTrue(WebhookIngestion.check(SECRET, headers(ID, now, signature), "{\"test\": 2432232315}").isPresent());
        assertTrue(WebhookIngestion.check(SECRET, headers("msg_other", now, signature), BODY).isPresent());
        assertTrue(WebhookIngestion.check("whsec_" + Base64.getEncoder().encodeToString(new byte[32]),
                headers(ID, now, signature), BODY).isPresent());
    }

    @Test
    void duringSecretRotationAnyOfSeveralSignaturesIsEnough() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String old = new Webhook("whsec_" + Base64.getEncoder().encodeToString(new byte[24])).sign(ID, now, BODY);
        String current = new Webhook(SECRET).sign(ID, now, BODY);
        assertTrue(WebhookIngestion.check(SECRET, headers(ID, now, old + " " + current), BODY).isEmpty());
        assertTrue(WebhookIngestion.check(SECRET, headers(ID, now, old), BODY).isPresent());
    }

    @Test
    void timestampsMoreThanFiveMinutesAwayEitherWayAreRejected() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        for (long ts : new long[]{now - 301, now + 301, 1614265330L}) {
            String signature = new Webhook(SECRET).sign(ID, ts, BODY);
            assertTrue(WebhookIngestion.check(SECRET, headers(ID, ts, signature), BODY).isPresent(), "accepted ts " + ts);
        }
        for (long ts : new long[]{now - 240, now + 240}) {
            String signature = new Webhook(SECRET).sign(ID, ts, BODY);
            assertTrue(WebhookIngestion.check(SECRET, headers(ID, ts, signature), BODY).isEmpty(), "rejected ts " + ts);
        }
    }

    @Test
    void aDeliveryWithoutIdIsKeyedByItsDigest() {
        String a = WebhookIngestion.deliveryId(Map.of(), "{}".getBytes());
        assertEquals(a, WebhookIngestion.deliveryId(Map.of(), "{}".getBytes()));
        assertTrue(a.startsWith("sha256:"));
        assertEquals("msg_1", WebhookIngestion.deliveryId(Map.of("webhook-id", List.of("msg_1")), "{}".getBytes()));
    }
}
