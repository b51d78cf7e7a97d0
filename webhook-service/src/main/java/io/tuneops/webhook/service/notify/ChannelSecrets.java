package io.tuneops.webhook.service.notify;

import com.standardwebhooks.Webhook;
import io.tuneops.webhook.crypto.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A channel's write-only secret (SMTP password, Slack incoming-webhook URL, Standard Webhooks
 * {@code whsec_} secret), sealed with the SecretBox provider secrets use and bound to its channel.
 */
@ApplicationScoped
public class ChannelSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretBox box;

    public ChannelSecrets(SecretBox box) {
        this.box = box;
    }

    public byte[] seal(String channelId, String secret) {
        return box.seal(secret, context(channelId));
    }

    /** @throws IllegalStateException when the ciphertext was made with another key or for another channel */
    public String open(String channelId, byte[] sealed) {
        return box.open(sealed, context(channelId));
    }

    private static String context(String channelId) {
        return "notification-channel:" + channelId;
    }

    /** A new signing secret: 'whsec_' and 32 random bytes in base64, as Standard Webhooks senders make them. */
    public static String newWebhookSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** Whether the reference library accepts {@code secret} as a signing key: 'whsec_' and base64 of 16 to 64 bytes. */
    public static boolean validWebhookSecret(String secret) {
        if (secret == null || !secret.startsWith("whsec_") || secret.length() > 200) {
            return false;
        }
        try {
            int length = Base64.getDecoder().decode(secret.substring("whsec_".length())).length;
            new Webhook(secret);
            return length >= 16 && length <= 64;
        } catch (Exception e) {
            return false;
        }
    }
}
