package io.tuneops.console.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Every state-changing console request carries the session's CSRF token, as the hidden form field
 * {@code _csrf} or (htmx) the header X-CSRF-Token, and it must equal the token the gateway vouched
 * for the session (X-Tuneops-Csrf). A page on another site can make the browser send the cookie,
 * but it cannot read a page to learn the token.
 */
public final class Csrf {

    public static final String FIELD = "_csrf";
    public static final String HEADER = "X-CSRF-Token";

    private Csrf() {
    }

    /** @throws Refused (403) unless the form field or the header carries the session's token */
    public static void require(Visitor visitor, String formToken, String headerToken) {
        if (!accepted(visitor.csrfToken(), formToken) && !accepted(visitor.csrfToken(), headerToken)) {
            throw Refused.csrf(visitor);
        }
    }

    /** Constant-time: the comparison takes as long whatever prefix of the token an attacker guessed. */
    static boolean accepted(String expected, String presented) {
        return expected != null && presented != null && !expected.isEmpty()
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
