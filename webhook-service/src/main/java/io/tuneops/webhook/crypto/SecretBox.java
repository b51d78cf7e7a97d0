package io.tuneops.webhook.crypto;

import io.tuneops.webhook.config.JobsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * AES-256-GCM for secrets at rest (provider tokens, webhook secrets, upload credential secrets).
 * The JDK's cipher is the library here; what is ours is only the framing: version byte, 12-byte
 * random nonce, ciphertext with tag. The associated data binds a ciphertext to its row, so a
 * secret copied onto another provider's or job's row does not decrypt.
 */
@ApplicationScoped
public class SecretBox {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    @Inject
    public SecretBox(JobsConfig config) {
        this(config.encryptionKey());
    }

    SecretBox(String keyMaterial) {
        try {
            // a high-entropy secret of any length becomes a 256-bit key
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    ("tuneops-secret-box:" + keyMaterial).getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(digest, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] seal(String plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** @throws IllegalStateException when the ciphertext was made with another key or for another row */
    public String open(byte[] box, String context) {
        if (box == null || box.length < 1 + NONCE_BYTES + 16 || box[0] != VERSION) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, box, 1, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(box, 1 + NONCE_BYTES, box.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret cannot be decrypted (wrong TUNEOPS_ENCRYPTION_KEY?)", e);
        }
    }
}
