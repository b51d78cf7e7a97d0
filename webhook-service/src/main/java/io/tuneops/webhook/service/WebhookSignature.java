package io.tuneops.webhook.service;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Standard Webhooks verification (https://www.standardwebhooks.com) computed while the body
 * streams: HMAC-SHA256 of {@code "{webhook-id}.{webhook-timestamp}.{body}"} keyed with the base64
 * after {@code whsec_}, compared in constant time with every {@code v1,<base64>} of
 * webhook-signature (several during a secret rotation), the timestamp within 5 minutes either way.
 * Hand-written because the reference library (kept as the tests' oracle) verifies only a body held
 * whole as a String, and a long training's delivery is tens of MB.
 */
public final class WebhookSignature {

    static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** Why a delivery is refused before or after its body is read; the message is the reason audited. */
    public static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Mac mac;
    private final List<byte[]> candidates;

    private WebhookSignature(Mac mac, List<byte[]> candidates) {
        this.mac = mac;
        this.candidates = candidates;
    }

    /**
     * Checks what the headers alone can tell (timestamp, signature syntax) and starts the HMAC.
     *
     * @throws Rejected when the timestamp is out of the window or no v1 signature is given
     * @throws IllegalArgumentException when the secret is not usable
     */
    public static WebhookSignature begin(String secret, String id, String timestamp, String signatures, Instant now)
            throws Rejected {
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new Rejected("webhook-timestamp is not a number of seconds");
        }
        if (ts < now.getEpochSecond() - TOLERANCE.toSeconds()) {
            throw new Rejected("message timestamp too old");
        }
        if (ts > now.getEpochSecond() + TOLERANCE.toSeconds()) {
            throw new Rejected("message timestamp too new");
        }
        List<byte[]> candidates = new ArrayList<>();
        for (String versioned : signatures.trim().split(" +")) {
            String[] parts = versioned.split(",", 2);
            if (parts.length == 2 && parts[0].equals("v1")) {
                try {
                    candidates.add(Base64.getDecoder().decode(parts[1]));
                } catch (IllegalArgumentException e) {
                    // not base64: matches nothing, like any other wrong signature
                }
            }
        }
        if (candidates.isEmpty()) {
            throw new Rejected("no v1 signature in webhook-signature");
        }
        Mac mac = mac(secret);
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return new WebhookSignature(mac, candidates);
    }

    private static Mac mac(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("signing secret unusable");
        }
    }

    public void update(byte[] bytes, int offset, int length) {
        mac.update(bytes, offset, length);
    }

    /** After the whole body: whether any of the given signatures is the body's. */
    public boolean matches() {
        byte[] expected = mac.doFinal();
        boolean found = false;
        for (byte[] candidate : candidates) {
            // every candidate is compared, each in constant time
            found |= MessageDigest.isEqual(expected, candidate);
        }
        return found;
    }
}
