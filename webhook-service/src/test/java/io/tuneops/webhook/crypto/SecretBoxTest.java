package io.tuneops.webhook.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SecretBoxTest {

    private final SecretBox box = new SecretBox("a-test-key-of-at-least-thirty-two-characters");

    @Test
    void sealedSecretsOpenOnlyWithTheSameKeyAndRow() {
        byte[] sealed = box.seal("r8_supersecret", "provider:replicate:api_token");
        assertEquals("r8_supersecret", box.open(sealed, "provider:replicate:api_token"));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("supersecret"));
        assertThrows(IllegalStateException.class, () -> box.open(sealed, "provider:generic:api_token"));
        assertThrows(IllegalStateException.class,
                () -> new SecretBox("another-key-of-at-least-thirty-two-characters").open(sealed, "provider:replicate:api_token"));
        sealed[sealed.length - 1] ^= 1;
        assertThrows(IllegalStateException.class, () -> box.open(sealed, "provider:replicate:api_token"));
    }

    @Test
    void theSameSecretSealsDifferentlyEachTime() {
        assertFalse(Arrays.equals(box.seal("x", "c"), box.seal("x", "c")));
    }
}
