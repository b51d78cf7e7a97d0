package io.tuneops.gateway.session;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

import java.util.List;
import java.util.StringJoiner;

/**
 * The session cookie: {@code tuneops_session}, for the whole site, out of scripts' reach
 * (HttpOnly), never sent with a request another site starts (SameSite=Strict), and Secure
 * whenever the browser reached tuneops over HTTPS. It has no Max-Age: it lasts as long as the
 * browser keeps it, and the session behind it ends on the server's terms.
 */
public final class SessionCookie {

    public static final String NAME = "tuneops_session";
    private static final String ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Strict";

    private SessionCookie() {
    }

    /** The Set-Cookie value that hands the browser a session. */
    public static String issue(String token, boolean secure) {
        return NAME + "=" + token + ATTRIBUTES + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie value that makes the browser forget its session. */
    public static String cleared(boolean secure) {
        return NAME + "=; Max-Age=0" + ATTRIBUTES + (secure ? "; Secure" : "");
    }

    /** The session token among a request's Cookie headers, or null. */
    public static String token(List<String> cookieHeaders) {
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String cookie = pair.trim();
                if (cookie.startsWith(NAME) && cookie.length() > NAME.length() && cookie.charAt(NAME.length()) == '=') {
                    String value = cookie.substring(NAME.length() + 1).trim();
                    return value.isEmpty() ? null : value;
                }
            }
        }
        return null;
    }

    /** The request's cookies without the session's, as one Cookie header, or null when none is left. */
    public static String without(List<String> cookieHeaders) {
        StringJoiner rest = new StringJoiner("; ");
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String cookie = pair.trim();
                boolean session = cookie.startsWith(NAME)
                        && (cookie.length() == NAME.length() || cookie.charAt(NAME.length()) == '=');
                if (!cookie.isEmpty() && !session) {
                    rest.add(cookie);
                }
            }
        }
        return rest.length() == 0 ? null : rest.toString();
    }

    /** Removes the session's cookie from {@code headers}, keeping the request's other cookies. */
    public static void removeFrom(MultiMap headers) {
        if (!headers.contains(HttpHeaders.COOKIE)) {
            return;
        }
        String rest = without(headers.getAll(HttpHeaders.COOKIE));
        if (rest == null) {
            headers.remove(HttpHeaders.COOKIE);
        } else {
            headers.set(HttpHeaders.COOKIE, rest);
        }
    }
}
