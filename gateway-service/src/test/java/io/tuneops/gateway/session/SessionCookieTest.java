package io.tuneops.gateway.session;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SessionCookieTest {

    private static final String TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";

    @Test
    void theCookieIsHttpOnlyStrictForTheWholeSiteAndSecureOverHttps() {
        assertEquals("tuneops_session=" + TOKEN + "; Path=/; HttpOnly; SameSite=Strict", SessionCookie.issue(TOKEN, false));
        assertEquals("tuneops_session=" + TOKEN + "; Path=/; HttpOnly; SameSite=Strict; Secure", SessionCookie.issue(TOKEN, true));
        assertEquals("tuneops_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure", SessionCookie.cleared(true));
    }

    @Test
    void theTokenIsFoundAmongOtherCookiesAndHeaders() {
        assertEquals(TOKEN, SessionCookie.token(List.of("tuneops_session=" + TOKEN)));
        assertEquals(TOKEN, SessionCookie.token(List.of("a=1; tuneops_session=" + TOKEN + "; b=2")));
        assertEquals(TOKEN, SessionCookie.token(List.of("a=1", "tuneops_session=" + TOKEN)));  // HTTP/2 splits them
        assertNull(SessionCookie.token(List.of("tuneops_sessionx=" + TOKEN, "xtuneops_session=" + TOKEN)));
        assertNull(SessionCookie.token(List.of("tuneops_session=", "a=1")));
        assertNull(SessionCookie.token(List.of()));
    }

    @Test
    void theOtherCookiesGoOnWithoutTheSessions() {
        assertEquals("a=1; b=2", SessionCookie.without(List.of("a=1; tuneops_session=" + TOKEN + "; b=2")));
        assertEquals("a=1; tuneops_sessionx=3", SessionCookie.without(List.of("a=1", "tuneops_session=" + TOKEN + ";tuneops_sessionx=3")));
        assertNull(SessionCookie.without(List.of("tuneops_session=" + TOKEN)));
        assertNull(SessionCookie.without(List.of(" ; ")));
    }
}
