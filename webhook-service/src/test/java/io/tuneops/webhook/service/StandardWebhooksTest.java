package io.tuneops.webhook.service;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardWebhooksTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String BODY = "{\"test\": 2432232314}";

    /** Verified as a delivery is: the HMAC fed the body in pieces, as it streams in. */
    private static Optional<String> check(String secret, String id, long ts, String signature, String body) {
        try {
            WebhookSignature verifier = WebhookSignature.begin(secret, id, Long.toString(ts), signature, Instant.now());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i += 3) {
                verifier.update(bytes, i, Math.min(3, bytes.length - i));
            }
            return verifier.matches() ? Optional.empty() : Optional.of("No matching signature found");
        } catch (WebhookSignature.Rejected e) {
            return Optional.of(e.getMessage());
        }
    }

    @Test
    void theSpecificationsTestVectorSignsAsPublished() throws Exception {
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", new Webhook(SECRET).sign(ID, 1614265330L, BODY));
    }

    @Test
    void aFreshSignatureVerifiesAndAnyChangeDoesNot() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String signature = new Webhook(SECRET).sign(ID, now, BODY);
        assertTrue(check(SECRET, ID, now, signature, BODY).isEmpty());
        assertTrue(check(SECRET, ID, now, signature, "{\"test\": 2432232315}").isPresent());
        assertTrue(check(SECRET, "msg_other", now, signature, BODY).isPresent());
        assertTrue(check("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), ID, now, signature, BODY).isPresent());
    }

    @Test
    void duringSecretRotationAnyOfSeveralSignaturesIsEnough() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String old = new Webhook("whsec_" + Base64.getEncoder().encodeToString(new byte[24])).sign(ID, now, BODY);
        String current = new Webhook(SECRET).sign(ID, now, BODY);
        assertTrue(check(SECRET, ID, now, old + " " + current, BODY).isEmpty());
        assertTrue(check(SECRET, ID, now, old, BODY).isPresent());
    }

    @Test
    void timestampsMoreThanFiveMinutesAwayEitherWayAreRejected() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        for (long ts : new long[]{now - 301, now + 301, 1614265330L}) {
            String signature = new Webhook(SECRET).sign(ID, ts, BODY);
            assertTrue(check(SECRET, ID, ts, signature, BODY).isPresent(), "accepted ts " + ts);
        }
        for (long ts : new long[]{now - 240, now + 240}) {
            String signature = new Webhook(SECRET).sign(ID, ts, BODY);
            assertTrue(check(SECRET, ID, ts, signature, BODY).isEmpty(), "rejected ts " + ts);
        }
    }
}
