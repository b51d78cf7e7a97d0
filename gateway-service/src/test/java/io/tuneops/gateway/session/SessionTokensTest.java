package io.tuneops.gateway.session;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTokensTest {

    @Test
    void tokensAre256RandomBitsInCookieSafeCharacters() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = SessionTokens.newToken();
            assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
            assertTrue(SessionTokens.wellFormed(token), token);
            assertTrue(seen.add(token), "a token came twice");
        }
    }

    @Test
    void onlyTokensOfOurShapeAreLookedUp() {
        assertFalse(SessionTokens.wellFormed(null));
        assertFalse(SessionTokens.wellFormed("A".repeat(42)));
        assertFalse(SessionTokens.wellFormed("A".repeat(44)));
        assertFalse(SessionTokens.wellFormed("A".repeat(42) + "="));
        assertFalse(SessionTokens.wellFormed("A".repeat(42) + "é"));
    }

    @Test
    void aSessionIsStoredUnderTheSha256OfItsToken() {
        // SHA-256 of "abc"
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SessionTokens.id("abc"));
        String token = SessionTokens.newToken();
        assertNotEquals(token, SessionTokens.id(token));
    }

    @Test
    void csrfTokensCompareExactly() {
        String csrf = SessionTokens.newToken();
        assertTrue(SessionTokens.same(csrf, new String(csrf.toCharArray())));
        assertFalse(SessionTokens.same(csrf, csrf.substring(1)));
        assertFalse(SessionTokens.same(csrf, null));
        assertFalse(SessionTokens.same(null, null));
        assertFalse(SessionTokens.same(csrf, ""));
    }
}
