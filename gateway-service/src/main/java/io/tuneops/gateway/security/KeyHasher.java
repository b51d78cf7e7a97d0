package io.tuneops.gateway.security;

import io.tuneops.gateway.config.AuthConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API keys look like {@code tok_<prefix>_<secret>}: the prefix finds the stored row, an HMAC-SHA256
 * of the whole key under TUNEOPS_API_KEY_SECRET is what is stored and compared, in constant time.
 * A fast keyed hash fits: the secret has 192 random bits, so there is nothing for a slow hash to
 * protect, and a stolen table is useless without the HMAC key.
 */
@ApplicationScoped
public class KeyHasher {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;

    public KeyHasher(AuthConfig config) {
        this.key = new SecretKeySpec(config.keySecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public record NewKey(String prefix, String key, byte[] hash) {
    }

    public NewKey generate() {
        String prefix = random(6);   // 8 characters
        String key = "tok_" + prefix + "_" + random(24);
        return new NewKey(prefix, key, hash(key));
    }

    /** The lookup prefix of a presented key, or null when it does not have the shape of one. */
    public static String prefixOf(String presented) {
        if (presented.length() != 45 || !presented.startsWith("tok_") || presented.charAt(12) != '_') {
            return null;
        }
        return presented.substring(4, 12);
    }

    // one initialised Mac per thread (event loops): looking up the provider and keying a new Mac
    // costs more than the hash itself, so it is done once per thread, not per request
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] hash(String presented) {
        return macs.get().doFinal(presented.getBytes(StandardCharsets.UTF_8));  // doFinal resets the Mac
    }

    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return URL.encodeToString(b);
    }
}
