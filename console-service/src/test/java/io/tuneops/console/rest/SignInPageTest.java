package io.tuneops.console.rest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignInPageTest {

    @Test
    void onlyAPathOnThisSiteIsANextPage() {
        assertEquals("/jobs/job_1", SignInPage.safeNext("/jobs/job_1"));
        assertNull(SignInPage.safeNext("https://evil.example/"));
        assertNull(SignInPage.safeNext("//evil.example/"));
        assertNull(SignInPage.safeNext("/sign-in?next=/x"));
        assertNull(SignInPage.safeNext("/api/auth/session"));
        assertNull(SignInPage.safeNext(null));
    }

    @Test
    void aPathABrowserCouldReadAsAnotherSiteOrThatBreaksTheHeaderIsNoNextPage() {
        assertNull(SignInPage.safeNext("/\t/127.0.0.1:18999/x"), "a browser drops the tab: //127.0.0.1");
        assertNull(SignInPage.safeNext("/\n/evil.example/"));
        assertNull(SignInPage.safeNext("/\r\nSet-Cookie: a=b"));
        assertNull(SignInPage.safeNext("/\\evil.example/"));
        assertNull(SignInPage.safeNext("/ /evil.example"));
        assertNull(SignInPage.safeNext("/jobs\u00e9"));
        assertNull(SignInPage.safeNext("jobs"));
        assertNull(SignInPage.safeNext("/" + "a".repeat(512)), "longer than the gateway keeps");
        assertEquals("/" + "a".repeat(511), SignInPage.safeNext("/" + "a".repeat(511)));
        assertEquals("/jobs?status=running&provider=generic", SignInPage.safeNext("/jobs?status=running&provider=generic"));
        assertEquals("/", SignInPage.safeNext("/"));
    }

    @Test
    void theGatewaysCodesAreSaidInWords() {
        assertTrue(SignInPage.message("invalid").contains("not accepted"));
        assertTrue(SignInPage.message("expired").contains("ended"));
        assertTrue(SignInPage.message("locked").contains("locked out"));
        assertTrue(SignInPage.message("<script>").startsWith("Signing in did not work"));
        assertNull(SignInPage.message(null));
    }
}
