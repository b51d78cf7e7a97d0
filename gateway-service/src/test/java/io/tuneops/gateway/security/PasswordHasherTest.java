package io.tuneops.gateway.security;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {

    private static final Vertx VERTX = Vertx.vertx();
    private final PasswordHasher hasher = new PasswordHasher(VERTX);

    @AfterAll
    static void close() {
        VERTX.close();
    }

    @Test
    void hashesAreSaltedArgon2idPhcStringsThatVerifyOnlyTheirPassword() {
        String first = hasher.hash("correct horse battery staple");
        String second = hasher.hash("correct horse battery staple");
        assertTrue(first.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), first);
        assertNotEquals(first, second, "no salt");
        assertTrue(hasher.verify("correct horse battery staple", first));
        assertTrue(hasher.verify("correct horse battery staple", second));
        assertFalse(hasher.verify("correct horse battery stapl", first));
        assertFalse(hasher.verify("", first));
    }

    @Test
    void noHashOrAMalformedOneNeverVerifies() {
        assertFalse(hasher.verify("decoy password nobody has", null));
        assertFalse(hasher.verify("anything", "$2a$10$notargon"));
        assertFalse(hasher.verify("anything", ""));
    }
}
